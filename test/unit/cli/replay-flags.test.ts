import assert from 'node:assert/strict'
import {test} from 'node:test'

import {toReplayOptions} from '../../../src/cli/replay-flags.js'
import {UsageError} from '../../../src/core/errors.js'

const now = new Date('2025-11-04T10:00:00Z')

test('no history flags is an instant simulation', () => {
  assert.deepEqual(toReplayOptions({}, now), {mode: 'instant'})
})

test('--since replays up to now at 1m by default; --from/--to and --step are parsed', () => {
  assert.deepEqual(toReplayOptions({since: '1d'}, now), {
    mode: 'replay',
    range: {start: new Date('2025-11-03T10:00:00Z'), end: now, stepSeconds: 60},
  })
  assert.deepEqual(toReplayOptions({from: '2025-11-03T00:00:00Z', to: '-1h', step: '5m'}, now), {
    mode: 'replay',
    range: {start: new Date('2025-11-03T00:00:00Z'), end: new Date('2025-11-04T09:00:00Z'), stepSeconds: 300},
  })
})

test('--since moves start and end back to multiples of the step; --from/--to stay as given', () => {
  const clock = new Date('2025-11-04T12:09:59.720Z')
  assert.deepEqual(toReplayOptions({since: '1h'}, clock), {
    mode: 'replay',
    range: {start: new Date('2025-11-04T11:09:00Z'), end: new Date('2025-11-04T12:09:00Z'), stepSeconds: 60},
  })
  assert.deepEqual(toReplayOptions({since: '1h', step: '5m'}, clock), {
    mode: 'replay',
    range: {start: new Date('2025-11-04T11:05:00Z'), end: new Date('2025-11-04T12:05:00Z'), stepSeconds: 300},
  })
  const from = '2025-11-04T11:09:59.720Z'
  assert.deepEqual(toReplayOptions({from, to: clock.toISOString()}, clock), {
    mode: 'replay',
    range: {start: new Date(from), end: clock, stepSeconds: 60},
  })
})

test('--sweep is parsed and excludes replay flags', () => {
  const options = toReplayOptions({sweep: 'arrival-rate=100:300:100'}, now)
  assert.equal(options.mode, 'sweep')
  assert.deepEqual(options.mode === 'sweep' ? options.sweep.values : [], [100, 200, 300])
})

const invalid: Array<[Record<string, string>, RegExp]> = [
  [{sweep: 'arrival-rate=1:2:1', since: '1d'}, /^--sweep: cannot be combined with --since$/],
  [{since: '1d', from: '-2d'}, /^--since and --from: cannot be used together$/],
  [{to: '-1h'}, /^--to: needs --from$/],
  [{step: '5m'}, /^--step: needs --since or --from$/],
  [{since: '30m', step: '1h'}, /^step 1h is longer than the range 30m$/],
  [{since: '60d'}, /is 86401 steps; the limit is 50000$/],
  [{since: '1d', step: '1500ms'}, /must be whole seconds/],
  [{since: 'yesterday'}, /^--since yesterday: not a Prometheus duration$/],
  [{from: '-1h', to: '-2h'}, /must be after --from/],
  [{sweep: 'nope'}, /^invalid --sweep "nope": expected PARAM=FROM:TO:STEP/],
]
for (const [flags, message] of invalid) {
  test(`rejects ${JSON.stringify(flags)} as a usage error`, () => {
    assert.throws(
      () => toReplayOptions(flags, now),
      (error: unknown) => error instanceof UsageError && message.test(error.message),
    )
  })
}
