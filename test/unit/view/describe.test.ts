import assert from 'node:assert/strict'
import {test} from 'node:test'

import {readManifests} from '../../../src/core/read/manifests/read-manifests.js'
import {renderDescribeView} from '../../../src/core/render/describe.js'
import {explainDecision} from '../../../src/core/render/explain.js'
import {serialize} from '../../../src/core/render/serialize.js'
import {buildDescribeView, describeItem, describePrometheus} from '../../../src/core/view/describe.js'
import {inspectAll} from '../../../src/core/view/inspect.js'
import {repoRoot} from '../../support/paths.js'
import {parseClusterState} from '../../../src/core/model/cluster-state.js'

// describe's view model: -o json|yaml serialise it and the text renders it, so both show the same data.
const list = inspectAll(parseClusterState((await readManifests([`${repoRoot}/examples/quickstart.yaml`])).sources))
const now = new Date('2026-11-02T00:00:00Z')
const explain = (report: {name: string}) => [`explained ${report.name}`]
const pods = [
  {namespace: 'llm', modelID: 'meta/llama-3.1-8b', pod: 'llama-0', arrivalRateRpm: 4100.25, ttftMs: 40, itlMs: 15},
  {namespace: 'llm', modelID: 'ibm/granite-13b', pod: 'granite-0', arrivalRateRpm: 10},
  {namespace: 'other', modelID: 'meta/llama-3.1-8b', pod: 'elsewhere-0'},
]

test('offline: the list fields, one item per report with what describe adds, and no Prometheus', () => {
  const view = buildDescribeView({
    list,
    items: list.items,
    prometheus: undefined,
    pods: undefined,
    controllerInputs: () => undefined,
    explain,
  })
  // Key order is the JSON's field order: the list's fields, then prometheus.
  assert.deepEqual(Object.keys(view), ['apiVersion', 'kind', 'items', 'warnings', 'prometheus'])
  assert.equal(view.prometheus, null)
  assert.deepEqual(
    view.items.map((item) => [item.name, item.explanation, item.withControllerInputs, item.pods]),
    [
      ['granite-13b-l40s', ['explained granite-13b-l40s'], null, null],
      ['llama-8b-h100', ['explained llama-8b-h100'], null, null],
    ],
  )
  const llama = view.items[1]!
  assert.deepEqual(Object.keys(llama).slice(-4), ['explanation', 'withControllerInputs', 'pods', 'events'])
  assert.equal(llama.events, null, 'no Events offline')
  assert.deepEqual(
    {...llama, explanation: undefined, withControllerInputs: undefined, pods: undefined, events: undefined},
    {
      ...list.items[1]!,
      explanation: undefined,
      withControllerInputs: undefined,
      pods: undefined,
      events: undefined,
    },
  )
})

test('live: the pods of the VA model and namespace, the compat decision, and Prometheus as plain data', () => {
  const llamaReport = list.items[1]!
  const compat = {profile: 'v0.4', replicas: 5, outcome: 'allocated'}
  const item = describeItem(llamaReport, {
    explain,
    pods,
    controllerInputs: (name, namespace) => (name === 'llama-8b-h100' && namespace === 'llm' ? compat : undefined),
  })
  assert.deepEqual(
    item.pods?.map((pod) => pod.pod),
    ['llama-0'],
  )
  assert.deepEqual(item.withControllerInputs, compat)
  const queries = [{quantity: 'arrival rate', promql: 'sum(rate(x[1m]))'}]
  assert.deepEqual(
    describePrometheus({
      url: 'http://prometheus:9090',
      foundBy: 'flag --prom-url',
      window: '5m',
      at: new Date('2026-11-01T23:45:00Z'),
      queries,
      error: {message: 'connection refused'},
    }),
    {
      url: 'http://prometheus:9090',
      foundBy: 'flag --prom-url',
      window: '5m',
      at: '2026-11-01T23:45:00.000Z',
      queries,
      error: 'connection refused',
    },
  )
  assert.deepEqual(describePrometheus({window: '1m', queries: []}), {
    url: null,
    foundBy: null,
    window: '1m',
    at: null,
    queries: [],
    error: null,
  })
})

test('the text and the JSON come from the same view: explanation, pods, compat and Prometheus in both', () => {
  const view = buildDescribeView({
    list,
    items: [list.items[1]!],
    prometheus: {
      url: 'http://prometheus:9090',
      foundBy: 'flag --prom-url',
      window: '5m',
      at: new Date('2026-11-01T23:45:00Z'),
      queries: [{quantity: 'arrival rate', promql: 'sum(rate(x[1m]))'}],
      error: {message: 'connection refused'},
    },
    pods,
    controllerInputs: () => ({profile: 'v0.4', replicas: 7, outcome: 'allocated'}),
    explain,
  })
  const text = renderDescribeView(view, {now, showQueries: true})
  for (const line of [
    'Live metrics:               MetricsSnapshot',
    '    llama-0  4100.25         40         15',
    '  Reason:                   explained llama-8b-h100',
    '  With controller inputs:   7 (allocated): the controller (v0.4 collector) reads other inputs',
    'Prometheus:                 http://prometheus:9090',
    '  Found by:                 flag --prom-url',
    '  Error:                    connection refused',
    '    # arrival rate',
    '    sum(rate(x[1m]))',
  ]) {
    assert.ok(text.includes(line), `missing ${JSON.stringify(line)} in:\n${text}`)
  }
  const json = JSON.parse(serialize(view, 'json')) as typeof view
  assert.deepEqual(json.items[0]!.explanation, ['explained llama-8b-h100'])
  assert.deepEqual(json.items[0]!.withControllerInputs, {profile: 'v0.4', replicas: 7, outcome: 'allocated'})
  assert.equal(json.prometheus?.error, 'connection refused')
})

test('several VAs: blocks separated by a blank line; none: no text at all', () => {
  const view = buildDescribeView({
    list,
    items: list.items,
    prometheus: undefined,
    pods: undefined,
    controllerInputs: () => undefined,
    explain: (report) => explainDecision(report, now),
  })
  const text = renderDescribeView(view, {now})
  assert.equal(text.split('\n\nName:').length, 2)
  assert.ok(text.startsWith('Name:                       granite-13b-l40s\n'))
  assert.ok(text.endsWith('\n'))
  assert.equal(renderDescribeView({...view, items: []}, {now}), '')
})
