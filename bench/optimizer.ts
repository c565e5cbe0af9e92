// Times decideModelBased, one "VA solve" each: first over every golden optimizer case as recorded, then over the
// golden inputs that size (a load, a valid profile) with the batch size forced to 64, 256 and 512 (K = 11 N chain
// states), the sizes real deployments use. Prints percentiles and deterministic work counts, never asserts.
// Run: npm run build && node_modules/.bin/node dist/bench/optimizer.js [rounds] [batchRounds]
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {performance} from 'node:perf_hooks'

import {sizingKey} from '../src/core/decide/queueing/memo.js'
import {directAnalyzerHooks} from '../src/core/decide/queueing/allocation.js'
import {decideModelBased, type ModelBasedInput} from '../src/core/decide/queueing/model-based.js'
import {createQueueModelWork, createQueueWorkspace} from '../src/core/decide/queueing/queue-model.js'
import {repoRoot} from '../test/support/paths.js'

const WARMUP_ROUNDS = 3
const DEFAULT_ROUNDS = 20
const DEFAULT_BATCH_ROUNDS = 5
const BATCH_SIZES = [64, 256, 512]

const goldenPath = join(repoRoot, 'test', 'fixtures', 'golden', 'optimizer-cases.json')
const golden = JSON.parse(readFileSync(goldenPath, 'utf8')) as {cases: {id: string; input: ModelBasedInput}[]}
const inputs = golden.cases.map((c) => c.input)
const rounds = Number(process.argv[2] ?? DEFAULT_ROUNDS)
const batchRounds = Number(process.argv[3] ?? DEFAULT_BATCH_ROUNDS)

let sink = 0
// One workspace for the whole run, as a decider keeps one (memo.ts); its counter gives the work figures.
const queueModelWork = createQueueModelWork()
const hooks = directAnalyzerHooks(createQueueWorkspace(queueModelWork))
const solve = (input: ModelBasedInput): void => {
  sink += decideModelBased(input, hooks).desired?.numReplicas ?? 0
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor((sorted.length - 1) * p)] ?? Number.NaN
}
const us = (value: number): string => `${value.toFixed(1)} us`

const cpuUs = (): number => {
  const {user, system} = process.cpuUsage()
  return user + system
}

/**
 * Per-solve wall and CPU times (us) over `count` rounds, after the warm-up rounds; and each round's total (ms).
 * CPU time leaves out the time other processes had the core, so it is steadier on a shared machine.
 */
function time(
  set: readonly ModelBasedInput[],
  count: number,
): {perSolveUs: number[]; perSolveCpuUs: number[]; perRoundMs: number[]} {
  for (let round = 0; round < WARMUP_ROUNDS; round++) for (const input of set) solve(input)
  const perSolveUs: number[] = []
  const perSolveCpuUs: number[] = []
  const perRoundMs: number[] = []
  for (let round = 0; round < count; round++) {
    const roundStart = performance.now()
    for (const input of set) {
      const cpuStart = cpuUs()
      const start = performance.now()
      solve(input)
      perSolveUs.push((performance.now() - start) * 1000)
      perSolveCpuUs.push(cpuUs() - cpuStart)
    }
    perRoundMs.push(performance.now() - roundStart)
  }
  return {perSolveUs, perSolveCpuUs, perRoundMs}
}

console.log(
  `optimizer: ${inputs.length} golden VAs x ${rounds} rounds (after ${WARMUP_ROUNDS} warm-up rounds), node ${process.version}`,
)
{
  const {perSolveUs, perRoundMs} = time(inputs, rounds)
  console.log(
    `  per VA solve: median ${us(percentile(perSolveUs, 0.5))}, p90 ${us(percentile(perSolveUs, 0.9))}, ` +
      `max ${us(Math.max(...perSolveUs))}`,
  )
  console.log(
    `  all ${inputs.length} VAs: median ${percentile(perRoundMs, 0.5).toFixed(1)} ms per round, ` +
      `total ${perRoundMs.reduce((a, b) => a + b, 0).toFixed(0)} ms`,
  )
}

// Golden inputs that reach the queue model; maxBatchSize is the server override, so it is N.
const sizing = inputs.filter((input) => sizingKey(input) !== undefined)
console.log(
  `at fixed batch sizes: ${sizing.length} golden inputs that size, maxBatchSize forced, ` +
    `${batchRounds} rounds each (after ${WARMUP_ROUNDS} warm-up rounds)`,
)
for (const maxBatchSize of BATCH_SIZES) {
  const set = sizing.map((input) => ({...input, maxBatchSize}))
  const before = {...queueModelWork}
  for (const input of set) solve(input)
  const solves = (queueModelWork.solves - before.solves) / set.length
  const states = (queueModelWork.states - before.states) / set.length
  const subnormal = (queueModelWork.subnormalStates - before.subnormalStates) / set.length
  const {perSolveUs, perSolveCpuUs} = time(set, batchRounds)
  const wide = (value: number): string => us(value).padStart(10)
  console.log(
    `  batch ${String(maxBatchSize).padStart(3)}: per VA p50 ${wide(percentile(perSolveUs, 0.5))}, ` +
      `p90 ${wide(percentile(perSolveUs, 0.9))} (CPU p50 ${wide(percentile(perSolveCpuUs, 0.5))}, ` +
      `p90 ${wide(percentile(perSolveCpuUs, 0.9))}); ` +
      `per VA ${solves.toFixed(1)} queue solves, ${(states / 1000).toFixed(1)}k chain states ` +
      `+ ${(subnormal / 1000).toFixed(1)}k subnormal ones in scaled integers`,
  )
}
if (sink < 0) console.log(sink) // keeps the work observable
