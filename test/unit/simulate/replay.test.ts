import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {UsageError} from '../../../src/core/errors.js'
import {readManifests} from '../../../src/core/read/manifests/read-manifests.js'
import {decideModelBased} from '../../../src/core/decide/queueing/model-based.js'
import {resolveDecisionTargets} from '../../../src/core/simulate/decision-template.js'
import {MAX_REPLAY_STEPS, replayGrid} from '../../../src/core/run/fetch-history.js'
import {replayHistory, type VaReplayInput} from '../../../src/core/simulate/replay.js'
import {repoRoot} from '../../support/paths.js'
import {parseClusterState} from '../../../src/core/model/cluster-state.js'

const sources = (await readManifests([`${repoRoot}/examples/quickstart.yaml`])).sources
const llama = resolveDecisionTargets(parseClusterState(sources), {}, {probeLoad: true}).find(
  (t) => t.name === 'llama-8b-h100',
)!
const T0 = 1_700_000_000_000
const minute = 60_000

/** A 10-step input at 1m: traffic at 1000, 5000, 10000 rpm, a gap, then idle. */
function input(overrides: Partial<VaReplayInput> = {}): VaReplayInput {
  const arrivals = [1000, 1000, 5000, 5000, 10000, undefined, undefined, 0, 0, 1000]
  return {
    namespace: 'llm',
    name: 'llama-8b-h100',
    modelID: 'meta/llama-3.1-8b',
    template: llama.template,
    whatIf: {},
    initialReplicas: 2,
    slo: {ttftMs: 500, itlMs: 24},
    measured: arrivals.flatMap((arrivalRateRpm, index) =>
      arrivalRateRpm === undefined
        ? []
        : [
            {
              timeMs: T0 + index * minute,
              arrivalRateRpm,
              ...(arrivalRateRpm > 0
                ? {
                    avgInputTokens: 512,
                    avgOutputTokens: 251,
                    ttftMs: index === 4 ? 700 : 100,
                    itlMs: index >= 3 ? 30 : 10,
                  }
                : {}),
            },
          ],
    ),
    controllerReplicas: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((index) => ({
      timeMs: T0 + index * minute,
      value: index < 5 ? 2 : 3,
    })),
    actualReplicas: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((index) => ({timeMs: T0 + index * minute, value: 2})),
    ...overrides,
  }
}
const grid = {startMs: T0, stepSeconds: 60, count: 10}

describe('replayHistory', () => {
  test('each step with load gets the decision decideModelBased gives at that load', () => {
    const [va] = replayHistory([input()], grid).items
    assert.deepEqual(
      va!.steps.map((s) => s.desiredReplicas),
      [1, 1, 2, 2, 3, null, null, 1, 1, 1],
    )
    assert.deepEqual(
      va!.steps.map((s) => s.outcome),
      [
        'allocated',
        'allocated',
        'allocated',
        'allocated',
        'allocated',
        'noData',
        'noData',
        'zeroLoad',
        'zeroLoad',
        'allocated',
      ],
    )
    const direct = decideModelBased({
      ...llama.template!,
      arrivalRateRpm: 10000,
      avgInputTokens: 512,
      avgOutputTokens: 251,
      currentReplicas: 2,
    })
    assert.equal(va!.steps[4]!.desiredReplicas, direct.desired!.numReplicas)
    assert.equal(va!.steps[4]!.predictedTtftMs, direct.allocation!.ttftMs)
  })

  test('the summary integrates replicas and cost per step and counts changes, gaps and time over SLO', () => {
    const {summary} = replayHistory([input()], grid).items[0]!
    assert.equal(summary.steps, 10)
    assert.equal(summary.noDataSteps, 2)
    assert.equal(summary.longestNoDataSeconds, 120)
    // ours: 1+1+2+2+3+1+1+1 = 12 replica-minutes; H100 costs 100 per replica.
    assert.equal(summary.ours.replicaHours, 12 / 60)
    assert.equal(summary.ours.costHours, 1200 / 60)
    assert.equal(summary.ours.scalingChanges, 3, '1→2→3, then 3→1 across the gap')
    assert.deepEqual(summary.actual, {
      knownSteps: 10,
      replicaHours: 20 / 60,
      costHours: 2000 / 60,
      scalingChanges: 0,
      minReplicas: 2,
      maxReplicas: 2,
    })
    assert.equal(summary.controller!.scalingChanges, 1)
    assert.deepEqual(summary.largestGapVsActual, {timeMs: T0, difference: -1, ours: 1, other: 2})
    assert.deepEqual(summary.largestGapVsController, {timeMs: T0 + 7 * minute, difference: -2, ours: 1, other: 3})
    // ITL 30 > 24 at steps 3, 4 and 9; TTFT 700 > 500 at step 4.
    assert.deepEqual(summary.overSlo, {ttftSeconds: 60, itlSeconds: 180, eitherSeconds: 180, measuredSteps: 6})
  })

  test('what-ifs apply per step: --load-scale multiplies the measured arrival rate, token flags replace it', () => {
    const [va] = replayHistory([input({whatIf: {loadScale: 2, avgOutputTokens: 251}})], grid).items
    assert.equal(va!.steps[4]!.load!.arrivalRateRpm, 20000)
    assert.equal(va!.steps[4]!.desiredReplicas, 6)
    assert.equal(va!.steps[5]!.outcome, 'noData', 'a what-if does not fill a gap in the arrival rate')
  })

  test('a VA that cannot be decided keeps its measured and actual series and says why', () => {
    const [va] = replayHistory([input({template: undefined, skipReason: 'no profile'})], grid).items
    assert.equal(va!.skipReason, 'no profile')
    assert.equal(va!.steps[0]!.outcome, 'skipped')
    assert.equal(va!.summary.actual!.replicaHours, 20 / 60)
    assert.equal(va!.summary.ours.costHours, null)
    assert.equal(va!.summary.ours.knownSteps, 0)
  })

  test('two VAs with the same profile share sizings through one memo', () => {
    const result = replayHistory([input(), input({name: 'twin'})], grid)
    assert.equal(result.memo.misses, 1, 'one sizing: both run 512/251 tokens under the same SLOs')
    assert.equal(result.memo.hits, 11, 'six sized steps per VA, all but the first from the cache')
  })
})

describe('replayGrid', () => {
  const at = (ms: number) => new Date(T0 + ms)
  test('counts start + k × step up to end inclusive', () => {
    assert.deepEqual(replayGrid({start: at(0), end: at(10 * minute), stepSeconds: 60}), {
      startMs: T0,
      stepSeconds: 60,
      count: 11,
    })
    assert.equal(replayGrid({start: at(0), end: at(90_000), stepSeconds: 60}).count, 2)
  })
  test('rejects a step longer than the range, an empty range and too many points with the fix', () => {
    assert.throws(
      () => replayGrid({start: at(0), end: at(30 * minute), stepSeconds: 3600}),
      (e: unknown) => e instanceof UsageError && e.message === 'step 1h is longer than the range 30m',
    )
    assert.throws(
      () => replayGrid({start: at(0), end: at(0), stepSeconds: 60}),
      (e: unknown) => e instanceof UsageError && /must be after --from/.test(e.message),
    )
    assert.throws(() => replayGrid({start: at(0), end: at(minute), stepSeconds: 0}), UsageError)
    assert.throws(
      () => replayGrid({start: at(0), end: at(60 * 86_400_000), stepSeconds: 60}),
      (e: unknown) =>
        e instanceof UsageError &&
        e.message === `range 8w4d at step 1m is 86401 steps; the limit is ${MAX_REPLAY_STEPS}` &&
        e.hint === 'use --step 1m44s or more',
    )
  })
})
