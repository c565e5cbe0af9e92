import assert from 'node:assert/strict'
import {test} from 'node:test'

import {UsageError} from '../../../src/core/errors.js'
import {MAX_BATCH_SIZE, MAX_SWEEP_BATCH_TOTAL} from '../../../src/core/model/limits.js'
import {parseSweepSpec} from '../../../src/core/simulate/sweep-spec.js'

test('max-batch sweeps are bounded by the largest batch size and by their total batch slots', () => {
  const refused = (text: string, message: RegExp, hint?: RegExp) =>
    assert.throws(
      () => parseSweepSpec(text),
      (error: unknown) =>
        error instanceof UsageError &&
        message.test(error.message) &&
        (hint === undefined || hint.test(error.hint ?? '')),
      text,
    )
  refused('max-batch=1:1000000:1000', new RegExp(`max-batch must be at most ${MAX_BATCH_SIZE}$`))
  refused(`max-batch=1:${MAX_BATCH_SIZE + 1}:${MAX_BATCH_SIZE}`, /must be at most/)
  refused(
    'max-batch=8:4096:8',
    new RegExp(`its 512 batch sizes add up to 1050624, the limit is ${MAX_SWEEP_BATCH_TOTAL}`),
    /^use a larger STEP, e\.g\. (\d+)/,
  )
  assert.equal(parseSweepSpec('max-batch=1:1000:1').values.length, 1000)
  assert.equal(parseSweepSpec(`max-batch=128:${MAX_BATCH_SIZE}:128`).values.at(-1), MAX_BATCH_SIZE)
})

test('the suggested STEP of a refused max-batch sweep is itself accepted', () => {
  for (const [from, to, step] of [
    [8, 4096, 8],
    [1, 8192, 10],
    [100, 8192, 9],
  ] as const) {
    let hint = ''
    try {
      parseSweepSpec(`max-batch=${from}:${to}:${step}`)
    } catch (error) {
      hint = (error as UsageError).hint ?? ''
    }
    const suggested = /e\.g\. (\d+)/.exec(hint)?.[1]
    assert.ok(suggested, `a hint for ${from}:${to}:${step}`)
    assert.doesNotThrow(() => parseSweepSpec(`max-batch=${from}:${to}:${suggested}`))
  }
})
