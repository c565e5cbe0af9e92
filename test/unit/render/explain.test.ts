import assert from 'node:assert/strict'
import {test} from 'node:test'

import {inspectAll} from '../../../src/core/view/inspect.js'
import type {VaReport} from '../../../src/core/view/va-report.js'
import {describeItem} from '../../../src/core/view/describe.js'
import {readManifests} from '../../../src/core/read/manifests/read-manifests.js'
import {renderDescribe} from '../../../src/core/render/describe.js'
import {explainDecision} from '../../../src/core/render/explain.js'
import {serialize} from '../../../src/core/render/serialize.js'
import {repoRoot} from '../../support/paths.js'
import {parseClusterState} from '../../../src/core/model/cluster-state.js'

const llama = inspectAll(parseClusterState((await readManifests([`${repoRoot}/examples/quickstart.yaml`])).sources))
  .items[1]!
const now = new Date('2026-11-02T00:00:00Z')

function withController(change: Partial<VaReport['controller']>, metrics = llama.metrics): VaReport {
  return {...llama, metrics, controller: {...llama.controller, ...change}}
}

test('no controller decision yet: the reason for our replicas, then that the status is empty', () => {
  assert.deepEqual(explainDecision(llama, now), [
    '8200.5 req/min at up to 3712 req/min per replica (bound by the ITL SLO) needs 3 replicas',
    'the controller has not written a decision yet (status.desiredOptimizedAlloc is empty)',
  ])
})

test('the controller agrees, or differs with a stale status, live load and a gauge that disagrees', () => {
  assert.equal(explainDecision(withController({desiredReplicas: 3}), now).at(-1), 'agrees with the controller')
  const live = {...llama.metrics!, source: 'prometheus' as const}
  const stale = {desiredReplicas: 2, lastRunTime: '2026-11-01T23:50:00Z', gaugeDesiredReplicas: 4}
  const differs = withController(stale, live)
  assert.deepEqual(explainDecision(differs, now).slice(1), [
    "the controller's status says 2, we compute 3:",
    '  - the status is stale: last written 10m ago',
    '  - the load may have changed since the controller last ran (we use the load now)',
    '  - its gauge says 4: the status write may have failed (e.g. scale-to-zero with an empty accelerator)',
  ])
  const fresh = withController({desiredReplicas: 2, lastRunTime: '2026-11-01T23:59:00Z'})
  assert.deepEqual(explainDecision(fresh, now).slice(1), ["the controller's status says 2, we compute 3:"])
})

test('infeasible and skipped decisions say why', () => {
  const recomputed = llama.recomputed
  const infeasible = {
    ...llama,
    recomputed: {...recomputed, outcome: 'infeasible' as const, replicas: null, reason: 'x'},
    reason: 'infeasible' as const,
  }
  assert.equal(explainDecision(infeasible, now)[0], 'infeasible: x; the controller writes no decision for this VA')
  const skipped = {
    ...llama,
    recomputed: {...recomputed, outcome: 'skipped' as const, replicas: null, reason: null},
    reason: 'skipped' as const,
  }
  assert.equal(explainDecision(skipped, now)[0], 'not recomputed: inputs are missing')
  const idle = {
    ...llama,
    recomputed: {...recomputed, outcome: 'zeroLoad' as const, replicas: 1},
    reason: 'zero-load' as const,
  }
  assert.equal(
    explainDecision(idle, now)[0],
    'no load (arrival rate or output tokens round to 0): the controller keeps its minimum of 1 replica',
  )
})

test('the reason code is the data the first sentence is worded from', () => {
  assert.equal(llama.reason, 'sized-itl')
  const byTtft = {...llama, reason: 'sized-ttft' as const}
  assert.match(explainDecision(byTtft, now)[0]!, /\(bound by the TTFT SLO\) needs 3 replicas$/)
})

test('describe renders the decision block with the replicas and the explanation', () => {
  const report = withController({desiredReplicas: 3, lastRunTime: '2026-11-01T23:59:00Z'})
  const text = renderDescribe(describeItem(report, {explain: (item) => explainDecision(item, now)}), {now})
  const decision = text.slice(text.indexOf('Controller:\n'))
  assert.equal(
    decision,
    [
      'Controller:',
      '  Desired replicas:         3',
      '  Last run:                 2026-11-01T23:59:00Z (60s ago)',
      '  Desired replicas gauge:   <none>',
      'Decision (kubectl-va, same optimizer as the controller):',
      '  Outcome:                  allocated',
      '  Replicas:                 2 current / 3 desired',
      '  Max rate per replica:     3712 req/min (bound by ITL SLO)',
      '  Headroom:                 2 current replicas absorb up to 7424.1 req/min',
      '  Predicted at desired:     TTFT 45.7 ms, ITL 15.2 ms, batch utilization 34%',
      '  Reason:                   ' +
        '8200.5 req/min at up to 3712 req/min per replica (bound by the ITL SLO) needs 3 replicas',
      '                            agrees with the controller',
      '',
    ].join('\n'),
  )
})

test('serialize: JSON with two-space indent and a newline; YAML of the same value without aliases', () => {
  const shared = {a: 1}
  const json = '{\n  "x": {\n    "a": 1\n  },\n  "y": {\n    "a": 1\n  }\n}\n'
  assert.equal(serialize({x: shared, y: shared}, 'json'), json)
  assert.equal(serialize({x: shared, y: shared}, 'yaml'), 'x:\n  a: 1\ny:\n  a: 1\n')
})
