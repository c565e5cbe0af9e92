import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {
  BISECTION_MAX_ITERATIONS,
  BISECTION_TOLERANCE,
  binarySearch,
  type BisectionResult,
  type Evaluation,
  withinTolerance,
} from '../../../../src/core/decide/queueing/bisection.js'
import {f32} from '../../../../src/core/decide/queueing/float32.js'
import {analyzeRate, createQueueAnalyzer, sizeForTargets} from '../../../../src/core/decide/queueing/queue-analyzer.js'
import {createQueueModelWork, createQueueWorkspace} from '../../../../src/core/decide/queueing/queue-model.js'

/** Upstream analyzer.BinarySearch as written: always runs the 100 steps unless a midpoint is within tolerance. */
function upstreamBinarySearch(
  xMin: number,
  xMax: number,
  yTarget: number,
  evaluate: (x: number) => Evaluation,
): BisectionResult {
  const ends: number[] = []
  for (const x of [xMin, xMax]) {
    const y = evaluate(x)
    if (!y.ok) return {ok: false, xStar: 0, ind: 0, error: `invalid function evaluation: ${y.error}`}
    if (withinTolerance(y.value, yTarget, BISECTION_TOLERANCE)) return {ok: true, xStar: x, ind: 0, converged: true}
    ends.push(y.value)
  }
  const [yMin = Number.NaN, yMax = Number.NaN] = ends // both pushed: the loop returns otherwise
  const increasing = yMin < yMax
  if ((increasing && yTarget < yMin) || (!increasing && yTarget > yMin)) {
    return {ok: true, xStar: xMin, ind: -1, converged: true}
  }
  if ((increasing && yTarget > yMax) || (!increasing && yTarget < yMax)) {
    return {ok: true, xStar: xMax, ind: 1, converged: true}
  }
  let low = xMin
  let high = xMax
  let x = low
  for (let iteration = 0; iteration < BISECTION_MAX_ITERATIONS; iteration++) {
    x = f32(0.5 * f32(low + high))
    const y = evaluate(x)
    if (!y.ok) return {ok: false, xStar: 0, ind: 0, error: `invalid function evaluation: ${y.error}`}
    if (withinTolerance(y.value, yTarget, BISECTION_TOLERANCE)) return {ok: true, xStar: x, ind: 0, converged: true}
    if ((increasing && yTarget < y.value) || (!increasing && yTarget > y.value)) high = x
    else low = x
  }
  return {ok: true, xStar: x, ind: 0, converged: false}
}

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

describe('binarySearch stops at its fixed point', () => {
  test("same result as upstream's 100 steps on 5000 random float32 curves, never more evaluations", () => {
    const next = random(42)
    let saved = 0
    for (let index = 0; index < 5000; index++) {
      // steps, plateaus and a gap the target can fall into: many searches never get within 1e-6
      const slope = (next() - 0.5) * 10 ** (6 * next() - 3)
      const step = next() < 0.5 ? 10 ** (-8 * next()) : 0
      const jumpAt = next()
      const failAbove = next() < 0.05 ? next() : Number.POSITIVE_INFINITY
      const curve = (x: number): Evaluation => {
        if (x > failAbove) return {ok: false, error: 'too far'}
        const stairs = step ? Math.floor(x / step) * step : 0
        return {ok: true, value: f32(slope * x + (x > jumpAt ? 1 : 0) + stairs)}
      }
      const xMin = f32(next() * 0.5)
      const xMax = f32(xMin + next() * 10 ** (-6 * next()))
      const offset = next() < 0.3 ? 0.5 : 0
      const yTarget = f32(slope * (xMin + (xMax - xMin) * next()) + offset)
      let upstreamCalls = 0
      let calls = 0
      const expected = upstreamBinarySearch(xMin, xMax, yTarget, (x) => {
        upstreamCalls++
        return curve(x)
      })
      const actual = binarySearch(xMin, xMax, yTarget, (x) => {
        calls++
        return curve(x)
      })
      assert.deepEqual(actual, expected, `curve #${index}`)
      assert.ok(calls <= upstreamCalls)
      saved += upstreamCalls - calls
    }
    assert.ok(saved > 2_000, `only ${saved} evaluations saved`)
  })
})

describe('sizing memo', () => {
  const parms = {alpha: f32(7.47), beta: f32(0.044), gamma: f32(15.4), delta: f32(0.0003)}
  const config = {maxBatchSize: 256, maxQueueSize: 2560, serviceParms: parms}
  const built = createQueueAnalyzer(config, {avgInputTokens: 512, avgOutputTokens: 256})
  assert.ok(built.ok)
  const analyzer = built.analyzer

  test('the sized metrics and model are what a fresh analysis at the sized rate gives', () => {
    const targetSets = [
      {ttftMs: 500, itlMs: 24, tps: 0},
      {ttftMs: 200, itlMs: 0, tps: 0},
      {ttftMs: 0, itlMs: 18, tps: 5},
    ]
    for (const targets of targetSets) {
      const sized = sizeForTargets(analyzer, targets)
      assert.ok(sized.ok)
      const rate = sized.targetRate
      const lambdaStar = Math.min(rate.rateTargetTTFTRps, rate.rateTargetITLRps, rate.rateTargetTPSRps)
      const fresh = analyzeRate(analyzer, f32(f32(f32(lambdaStar / 1000)) * 1000))
      assert.ok(fresh.ok)
      assert.deepEqual(sized.metrics, fresh.metrics)
      assert.deepEqual(sized.model, fresh.model)
      assert.deepEqual(sizeForTargets(analyzer, targets), sized)
    }
  })

  test('two searches solve the ends of the rate range once', () => {
    const solves = (targets: {ttftMs: number; itlMs: number; tps: number}): number => {
      const work = createQueueModelWork()
      sizeForTargets(analyzer, targets, createQueueWorkspace(work))
      return work.solves
    }
    const both = solves({ttftMs: 500, itlMs: 24, tps: 0})
    assert.ok(both <= solves({ttftMs: 500, itlMs: 0, tps: 0}) + solves({ttftMs: 0, itlMs: 24, tps: 0}) - 2)
  })
})
