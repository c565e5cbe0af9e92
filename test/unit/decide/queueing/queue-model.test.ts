import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {f32} from '../../../../src/core/decide/queueing/float32.js'
import {
  createQueueModelWork,
  createQueueWorkspace,
  type QueueSolveResult,
  type QueueTimesResult,
  solveStateDependentQueue,
  solveStateDependentQueueReference,
  solveStateDependentQueueTimes,
} from '../../../../src/core/decide/queueing/queue-model.js'
import {serviceRatesPerMs} from '../../../../src/core/decide/queueing/service-time.js'

// One workspace for the whole file (reused buffer), counting the work of every solve through it.
const queueModelWork = createQueueModelWork()
const workspace = createQueueWorkspace(queueModelWork)

/** Deterministic PRNG (mulberry32), so that a failure names a reproducible seed. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Every field, bit for bit: Object.is tells -0 from 0 and matches NaN. */
function assertSameSolve(actual: QueueSolveResult, expected: QueueSolveResult, label: string): void {
  assert.equal(actual.ok, expected.ok, label)
  if (!actual.ok || !expected.ok) {
    assert.equal(actual.ok ? '' : actual.error, expected.ok ? '' : expected.error, label)
    return
  }
  for (const [key, value] of Object.entries(expected.state)) {
    const got = (actual.state as unknown as Record<string, number>)[key]
    assert.ok(Object.is(got, value), `${label}: ${key} ${got} !== ${value}`)
  }
}

interface Chain {
  readonly lambdaPerMs: number
  readonly servRatePerMs: Float64Array
  readonly occupancyLimit: number
}

/** A replica as the analyzer builds it: float32 profile, K = N + Q, lambda anywhere in (0, 1.05 mu(N)). */
function realisticChain(next: () => number): Chain {
  const maxBatchSize = next() < 0.3 ? [64, 256, 512][Math.floor(next() * 3)]! : 1 + Math.floor(next() * 600)
  const maxQueueSize = next() < 0.7 ? 10 * maxBatchSize : Math.floor(next() * 20 * maxBatchSize)
  const parms = {
    alpha: f32(1 + next() * 30),
    beta: f32(next() < 0.1 ? 0 : next() * 0.5),
    gamma: f32(next() * 50),
    delta: f32(next() * 0.01),
  }
  const request = {avgInputTokens: Math.floor(next() * 4096), avgOutputTokens: 1 + Math.floor(next() * 2048)}
  const servRatePerMs = serviceRatesPerMs(parms, request, maxBatchSize)
  const top = servRatePerMs[maxBatchSize - 1]!
  // log-uniform over six decades below mu(N), or close to it, where the chains are long
  const lambda = next() < 0.5 ? top * 10 ** (-6 * next()) : top * (0.5 + 0.55 * next())
  return {lambdaPerMs: f32(lambda), servRatePerMs, occupancyLimit: maxBatchSize + maxQueueSize}
}

const EDGE_NUMBERS = [0, -0, Number.NaN, Number.POSITIVE_INFINITY, -1, 1e-300, 1e300, 5e-324, 2 ** -1022, 1, 0.5]

/** Anything a caller could pass: odd rates, odd lambdas, K below N or 0. */
function adversarialChain(next: () => number): Chain {
  const maxBatch = 1 + Math.floor(next() * 40)
  const rates = new Float64Array(maxBatch)
  for (let i = 0; i < maxBatch; i++) {
    rates[i] = next() < 0.1 ? EDGE_NUMBERS[Math.floor(next() * EDGE_NUMBERS.length)]! : 10 ** (12 * next() - 6)
  }
  const lambdaPerMs = next() < 0.2 ? EDGE_NUMBERS[Math.floor(next() * EDGE_NUMBERS.length)]! : 10 ** (16 * next() - 8)
  const occupancyLimit = next() < 0.1 ? Math.floor(next() * maxBatch) : maxBatch + Math.floor(next() * 400)
  return {lambdaPerMs, servRatePerMs: rates, occupancyLimit}
}

const fastOf = (chain: Chain): QueueSolveResult =>
  solveStateDependentQueue(chain.lambdaPerMs, chain.servRatePerMs, chain.occupancyLimit, workspace)
const referenceOf = (chain: Chain): QueueSolveResult =>
  solveStateDependentQueueReference(chain.lambdaPerMs, chain.servRatePerMs, chain.occupancyLimit, queueModelWork)
const timesOf = (chain: Chain): QueueTimesResult =>
  solveStateDependentQueueTimes(chain.lambdaPerMs, chain.servRatePerMs, chain.occupancyLimit, workspace)

/** Fast solve and times-only solve against the reference; returns the fast solve. */
function solveBoth(chain: Chain, label: string): QueueSolveResult {
  const fast = fastOf(chain)
  const reference = referenceOf(chain)
  const where = `${label} lambda=${chain.lambdaPerMs} K=${chain.occupancyLimit}`
  assertSameSolve(fast, reference, where)
  const times = timesOf(chain)
  if (!reference.ok) {
    assert.deepEqual(times, reference, where)
  } else {
    assert.ok(times.ok, where)
    assert.ok(Object.is(times.avgWaitTimeMs, reference.state.avgWaitTimeMs), `${where}: wait ${times.avgWaitTimeMs}`)
    assert.ok(Object.is(times.avgServTimeMs, reference.state.avgServTimeMs), `${where}: service ${times.avgServTimeMs}`)
  }
  return fast
}

describe('the fast queue model and its times-only solve equal the reference bit for bit', () => {
  test('on 1500 realistic chains of mixed sizes, reusing one buffer (N up to 600, K up to 20 N)', () => {
    const next = random(20261203)
    const before = {...queueModelWork}
    for (let index = 0; index < 1500; index++) solveBoth(realisticChain(next), `realistic #${index}`)
    // the random chains went through the subnormal tail (where the exact-halfway rounding cases live)
    assert.ok(queueModelWork.subnormalStates - before.subnormalStates > 10_000)
  })

  test('on 3000 adversarial chains: zero, negative, NaN, infinite and extreme rates; K < N; overflowing heads', () => {
    const next = random(7)
    for (let index = 0; index < 3000; index++) solveBoth(adversarialChain(next), `adversarial #${index}`)
  })

  test('a buffer grown by a long chain and reused by short ones leaves no trace', () => {
    const next = random(11)
    const chains = Array.from({length: 60}, () => realisticChain(next))
    const fresh = chains.map(referenceOf)
    // longest first, then the others twice in a shuffled order
    const order = [...chains.keys()].sort((a, b) => chains[b]!.occupancyLimit - chains[a]!.occupancyLimit)
    for (const index of [...order, ...order.reverse(), ...order.filter((i) => i % 3 === 0)]) {
      const chain = chains[index]!
      assertSameSolve(fastOf(chain), fresh[index]!, `#${index}`)
    }
  })

  test('subnormal tails whose roundings fall exactly halfway (ties to even)', () => {
    // mu = 1, lambda = 1/2: each state halves the previous one; odd subnormal multiples of 2^-1074 tie
    for (const limit of [1070, 1080, 1100, 1200]) {
      for (const rates of [new Float64Array([1]), new Float64Array([3, 2, 1]), new Float64Array(64).fill(1)]) {
        for (const lambdaPerMs of [0.5, 0.75, 0.25, 0.5000000000000001, 0.4999999999999999]) {
          solveBoth({lambdaPerMs, servRatePerMs: rates, occupancyLimit: limit}, `tie ${lambdaPerMs}/${rates.length}`)
        }
      }
      // the quotient exactly halfway: p * 1 / 2 and p * 3 / 6
      for (const [lambdaPerMs, mu] of [
        [1, 2],
        [3, 6],
      ] as const) {
        const chain = {lambdaPerMs, servRatePerMs: new Float64Array([mu]), occupancyLimit: limit}
        solveBoth(chain, `tie ${lambdaPerMs}/${mu}`)
      }
    }
  })

  test('a tail that underflows to 0 is skipped, one that stays subnormal is followed, both as the reference', () => {
    const parms = {alpha: f32(7.47), beta: f32(0.044), gamma: f32(15.4), delta: f32(0.0003)}
    const rates = serviceRatesPerMs(parms, {avgInputTokens: 512, avgOutputTokens: 256}, 512)
    const top = rates[511]!
    const work = (chain: Chain): {states: number; subnormalStates: number} => {
      solveBoth(chain, `lambda ${chain.lambdaPerMs}`)
      const before = {...queueModelWork}
      solveStateDependentQueue(chain.lambdaPerMs, chain.servRatePerMs, chain.occupancyLimit, workspace)
      const states = queueModelWork.states - before.states
      return {states, subnormalStates: queueModelWork.subnormalStates - before.subnormalStates}
    }
    const zeroTail = work({lambdaPerMs: f32(top * 0.3), servRatePerMs: rates, occupancyLimit: 5632})
    assert.ok(zeroTail.states + zeroTail.subnormalStates < 2000, JSON.stringify(zeroTail))
    const subnormalTail = work({lambdaPerMs: f32(top * 0.8), servRatePerMs: rates, occupancyLimit: 5632})
    assert.ok(subnormalTail.subnormalStates > 1000, JSON.stringify(subnormalTail))
    assert.equal(subnormalTail.states + subnormalTail.subnormalStates, 5632)
    // p(K) itself subnormal: sum ~ 1, p halves from state 1 on
    const halving = solveBoth({lambdaPerMs: 0.5, servRatePerMs: new Float64Array([1]), occupancyLimit: 1060}, 'halving')
    assert.ok(halving.ok && halving.state.pK > 0 && halving.state.pK < 2 ** -1022)
  })

  test('the times-only solve stops long chains early: fewer states on realistic chains', () => {
    const next = random(99)
    const chains = Array.from({length: 200}, () => realisticChain(next))
    const count = (solve: (chain: Chain) => unknown): number => {
      const before = queueModelWork.states + queueModelWork.subnormalStates
      for (const chain of chains) solve(chain)
      return queueModelWork.states + queueModelWork.subnormalStates - before
    }
    const full = count(fastOf)
    const times = count(timesOf)
    assert.ok(times < full * 0.8, `${times} of ${full} states`)
  })

  test('an invalid model is reported as the reference reports it', () => {
    const rates = new Float64Array([1, 2])
    assertSameSolve(solveStateDependentQueue(1, rates, 1), solveStateDependentQueueReference(1, rates, 1), 'K=1')
    const negative = {lambdaPerMs: -1, servRatePerMs: rates, occupancyLimit: 22}
    assertSameSolve(fastOf(negative), referenceOf(negative), 'lambda<0')
    const stuck = solveStateDependentQueue(1, new Float64Array([0]), 10)
    assert.deepEqual(stuck, solveStateDependentQueueReference(1, new Float64Array([0]), 10))
    assert.equal(stuck.ok, false)
  })
})
