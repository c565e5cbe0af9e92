// Times decideModelBased over every golden optimizer case: one "VA solve" each. Prints, never asserts.
// Run: npm run build && node_modules/.bin/node dist/bench/optimizer.js [iterations]
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {performance} from 'node:perf_hooks'

import {decideModelBased, type ModelBasedInput} from '../src/core/optimizer/model-based.js'
import {repoRoot} from '../test/support/paths.js'

const WARMUP_ROUNDS = 3
const DEFAULT_ROUNDS = 20

const golden = JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'golden', 'optimizer-cases.json'), 'utf8')) as {
  cases: {id: string; input: ModelBasedInput}[]
}
const inputs = golden.cases.map((c) => c.input)
const rounds = Number(process.argv[2] ?? DEFAULT_ROUNDS)

let sink = 0
for (let round = 0; round < WARMUP_ROUNDS; round++) for (const input of inputs) sink += decideModelBased(input).desired?.numReplicas ?? 0

const perSolveUs: number[] = []
const perRoundMs: number[] = []
for (let round = 0; round < rounds; round++) {
  const roundStart = performance.now()
  for (const input of inputs) {
    const start = performance.now()
    sink += decideModelBased(input).desired?.numReplicas ?? 0
    perSolveUs.push((performance.now() - start) * 1000)
  }
  perRoundMs.push(performance.now() - roundStart)
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) * p)]
console.log(`optimizer: ${inputs.length} golden VAs x ${rounds} rounds (after ${WARMUP_ROUNDS} warm-up rounds), node ${process.version}`)
console.log(`  per VA solve: median ${median(perSolveUs).toFixed(1)} us, p90 ${percentile(perSolveUs, 0.9).toFixed(1)} us, max ${Math.max(...perSolveUs).toFixed(1)} us`)
console.log(`  all ${inputs.length} VAs: median ${median(perRoundMs).toFixed(1)} ms per round, total ${perRoundMs.reduce((a, b) => a + b, 0).toFixed(0)} ms`)
if (sink < 0) console.log(sink) // keeps the work observable
