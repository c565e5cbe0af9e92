import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {binarySearch, type Evaluation, withinTolerance} from '../../../../src/core/decide/queueing/bisection.js'
import {f32} from '../../../../src/core/decide/queueing/float32.js'
import {analyzeRate, createQueueAnalyzer, sizeForTargets} from '../../../../src/core/decide/queueing/queue-analyzer.js'
import {decodeTimeMs, effectiveConcurrency, prefillTimeMs} from '../../../../src/core/decide/queueing/service-time.js'
import {assertMatchesGolden, readGolden} from './golden-compare.js'

interface AnalyzerCase {
  id: string
  input: {
    maxBatchSize: number
    maxQueueSize: number
    alpha: number
    beta: number
    gamma: number
    delta: number
    avgInputTokens: number
    avgOutputTokens: number
    ratesRps?: number[]
    targets?: {ttftMs: number; itlMs: number; tps: number}[]
  }
  expected: Record<string, unknown>
}

interface UnitCase {
  id: string
  input: Record<string, number | string>
  expected: Record<string, unknown>
}

const golden = readGolden<{cases: AnalyzerCase[]; unitCases: UnitCase[]}>('queue-analyzer-cases.json')

/** What the harness recorded for one analyzer case, computed the same way. */
function runAnalyzerCase(input: AnalyzerCase['input']): Record<string, unknown> {
  // The raw inputs go in as given: resolvedInputs is what the analyzer itself resolved (float32), not a copy made here.
  const serviceParms = {alpha: input.alpha, beta: input.beta, gamma: input.gamma, delta: input.delta}
  const request = {avgInputTokens: input.avgInputTokens, avgOutputTokens: input.avgOutputTokens}
  const config = {maxBatchSize: input.maxBatchSize, maxQueueSize: input.maxQueueSize, serviceParms}
  const built = createQueueAnalyzer(config, request)
  if (!built.ok) {
    const resolvedInputs = built.serviceParms
    return {ok: false, error: built.error, resolvedInputs, rateRangeMinRps: 0, rateRangeMaxRps: 0, occupancyLimitK: 0}
  }
  const analyzer = built.analyzer
  const resolvedInputs = analyzer.config.serviceParms
  const ratesRps = (input.ratesRps ?? []).map(f32)
  return {
    ok: true,
    resolvedInputs,
    servRatePerMs: [...analyzer.servRatePerMs],
    rateRangeMinRps: analyzer.rateRangeMinRps,
    rateRangeMaxRps: analyzer.rateRangeMaxRps,
    occupancyLimitK: analyzer.occupancyLimit,
    ratesRps,
    analyze: ratesRps.map((rateRps) => ({rateRps, ...analyzeRate(analyzer, rateRps)})),
    size: (input.targets ?? []).map((target) => {
      const targets = {ttftMs: f32(target.ttftMs), itlMs: f32(target.itlMs), tps: f32(target.tps)}
      return {
        targetTTFTMs: targets.ttftMs,
        targetITLMs: targets.itlMs,
        targetTPS: targets.tps,
        ...sizeForTargets(analyzer, targets),
      }
    }),
  }
}

// The test functions of upstream utils_test.go, in float32.
const SEARCH_FUNCTIONS: Record<string, (x: number) => Evaluation> = {
  square: (x) => ({ok: true, value: f32(x * x)}),
  linear2x: (x) => ({ok: true, value: f32(2 * x)}),
  negLinear: (x) => ({ok: true, value: -x}),
  errorAbove5: (x) => (x > 5 ? {ok: false, error: 'x too large'} : {ok: true, value: x}),
}

function runUnitCase(input: UnitCase['input']): Record<string, unknown> {
  const n = (key: string) => f32(input[key] as number)
  const parms = {alpha: n('alpha'), beta: n('beta'), gamma: n('gamma'), delta: n('delta')}
  switch (input.fn) {
    case 'prefillTime':
      return {result: prefillTimeMs(parms, input.avgInputTokens as number, n('batchSize'))}
    case 'decodeTime':
      return {result: decodeTimeMs(parms, n('batchSize'))}
    case 'effectiveConcurrency': {
      const request = {avgInputTokens: input.avgInputTokens as number, avgOutputTokens: input.avgOutputTokens as number}
      return {result: effectiveConcurrency(parms, request, n('avgServiceTimeMs'), input.maxBatchSize as number)}
    }
    case 'withinTolerance':
      return {result: withinTolerance(n('x'), n('value'), n('tolerance'))}
    case 'binarySearch': {
      const found = binarySearch(n('xMin'), n('xMax'), n('yTarget'), SEARCH_FUNCTIONS[input.func as string]!)
      return found.ok
        ? {ok: true, xStar: found.xStar, ind: found.ind}
        : {ok: false, xStar: found.xStar, ind: found.ind, error: found.error}
    }
    default:
      throw new Error(`unknown unit function ${String(input.fn)}`)
  }
}

describe('queue analyzer golden cases reproduce upstream pkg/analyzer', () => {
  test('the golden file holds 220 analyzer cases and 35 unit cases', () => {
    assert.equal(golden.cases.length, 220)
    assert.equal(golden.unitCases.length, 35)
  })
  for (const c of golden.cases) {
    test(c.id, () => assertMatchesGolden(c.id, c.expected, runAnalyzerCase(c.input)))
  }
})

describe('queue analyzer unit functions reproduce upstream', () => {
  for (const c of golden.unitCases) {
    test(c.id, () => assertMatchesGolden(c.id, c.expected, runUnitCase(c.input)))
  }
})
