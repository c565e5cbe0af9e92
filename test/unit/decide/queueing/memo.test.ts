import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {createMemoisedDecider, sizingKey} from '../../../../src/core/decide/queueing/memo.js'
import {decideModelBased, type ModelBasedInput} from '../../../../src/core/decide/queueing/model-based.js'
import {readGolden} from './golden-compare.js'

const golden = readGolden<{cases: Array<{id: string; input: ModelBasedInput}>}>('optimizer-cases.json')

describe('the memoised decider returns exactly what decideModelBased returns', () => {
  test('every golden case, from a cold cache then a warm one, deeply equals the un-memoised decision', () => {
    const decider = createMemoisedDecider()
    for (const round of ['cold', 'warm']) {
      for (const c of golden.cases) {
        assert.deepStrictEqual(decider.decide(c.input), decideModelBased(c.input), `${c.id} (${round} cache)`)
      }
    }
    const stats = decider.stats()
    assert.ok(stats.hits >= stats.misses, `the warm round hits the cache: ${JSON.stringify(stats)}`)
    assert.equal(stats.hits + stats.misses + stats.bypassed, 2 * golden.cases.length)
  })

  test('a cached sizing reused at 200 other arrival rates and replica counts gives the un-memoised decisions', () => {
    const decider = createMemoisedDecider()
    const sized = golden.cases.filter((c) => sizingKey(c.input) !== undefined).slice(0, 40)
    let compared = 0
    for (const c of sized) {
      for (const scale of [0.01, 0.3, 0.77, 1, 1.5, 2.2, 4]) {
        const input = {
          ...c.input,
          arrivalRateRpm: c.input.arrivalRateRpm * scale,
          currentReplicas: (c.input.currentReplicas + compared) % 7,
        }
        assert.deepStrictEqual(decider.decide(input), decideModelBased(input), `${c.id} at x${scale}`)
        compared++
      }
    }
    assert.ok(decider.stats().hits > compared / 2)
  })

  test('the key ignores the arrival rate and replicas but not tokens, SLOs or batch size', () => {
    const base = golden.cases.find((c) => sizingKey(c.input) !== undefined)!.input
    const key = sizingKey(base)
    assert.equal(sizingKey({...base, arrivalRateRpm: base.arrivalRateRpm * 3, currentReplicas: 9}), key)
    assert.notEqual(sizingKey({...base, avgOutputTokens: base.avgOutputTokens + 1}), key)
    assert.notEqual(sizingKey({...base, sloTtftMs: base.sloTtftMs + 1}), key)
    assert.notEqual(sizingKey({...base, maxBatchSize: base.maxBatchSize + 1}), key)
    assert.equal(sizingKey({...base, arrivalRateRpm: 0}), undefined, 'zero load never sizes')
  })

  test('the cache stays within its bound and evicts the least recently used sizing', () => {
    const decider = createMemoisedDecider({maxEntries: 2})
    const base = golden.cases.find((c) => c.input.arrivalRateRpm > 0 && sizingKey(c.input) !== undefined)!.input
    const a = {...base, avgInputTokens: 100}
    const b = {...base, avgInputTokens: 200}
    const c = {...base, avgInputTokens: 300}
    decider.decide(a)
    decider.decide(b)
    decider.decide(a) // a is now the most recent
    decider.decide(c) // evicts b
    decider.decide(a)
    assert.deepEqual(decider.stats(), {hits: 2, misses: 3, bypassed: 0, evictions: 1, entries: 2, analysisHits: 1})
    assert.throws(() => createMemoisedDecider({maxEntries: 0}), RangeError)
  })
})
