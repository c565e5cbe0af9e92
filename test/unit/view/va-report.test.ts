import assert from 'node:assert/strict'
import {test} from 'node:test'

import {inspectAll} from '../../../src/core/view/inspect.js'
import {reasonCodeOf} from '../../../src/core/view/va-report.js'
import {readManifests} from '../../../src/core/read/manifests/read-manifests.js'
import {fixturePath, repoRoot} from '../../support/paths.js'
import {parseClusterState} from '../../../src/core/model/cluster-state.js'

// The view model behind get and describe (docs/va-report.md), built from fixed manifests and checked field by field.
const quickstart = (await readManifests([`${repoRoot}/examples/quickstart.yaml`])).sources
const saturation = (await readManifests([fixturePath('manifests', 'saturation', 'v0.5-two-variants.yaml')])).sources

test('the quickstart gives one report per VA, sorted, with the snapshot load and our decision', () => {
  const list = inspectAll(parseClusterState(quickstart))
  assert.equal(list.kind, 'VariantAutoscalingReportList')
  assert.deepEqual(list.warnings, [])
  assert.deepEqual(
    list.items.map((item) => item.name),
    ['granite-13b-l40s', 'llama-8b-h100'],
  )
  const llama = list.items[1]!
  assert.deepEqual(
    [llama.namespace, llama.shape, llama.engine, llama.modelID, llama.accelerator, llama.cost],
    ['llm', 'A', 'queueing-model', 'meta/llama-3.1-8b', 'H100', '100.0'],
  )
  assert.deepEqual(llama.slo, {ttftMs: 500, itlMs: 24, serviceClass: 'Premium'})
  assert.deepEqual(llama.metrics, {
    source: 'snapshot',
    arrivalRateRpm: 8200.5,
    avgInputTokens: 512.3,
    avgOutputTokens: 250.9,
    ttftMs: 210.4,
    itlMs: 23.1,
  })
  assert.deepEqual(llama.replicas, {desired: 2, current: null, ready: null})
  assert.deepEqual(
    [llama.recomputed.outcome, llama.recomputed.replicas, llama.recomputed.boundBy, llama.recomputed.reason],
    ['allocated', 3, 'itl', null],
  )
  assert.equal(llama.recomputed.prediction?.maxRatePerReplica, 3712.02685546875)
  assert.equal(llama.controller.desiredReplicas, null)
  assert.deepEqual(llama.problems, [])
  const granite = list.items[0]!
  const {outcome, replicas, boundBy} = granite.recomputed
  assert.deepEqual([outcome, replicas, boundBy], ['allocated', 1, 'ttft'])
  // The reason codes beside the outcome: sized, bound by that SLO.
  assert.deepEqual(
    list.items.map((item) => item.reason),
    ['sized-ttft', 'sized-itl'],
  )
})

test('a what-if reaches the report: double the load, more replicas', () => {
  const doubled = inspectAll(parseClusterState(quickstart), {whatIf: {loadScale: 2}})
  assert.deepEqual(
    doubled.items.map((item) => item.recomputed.replicas),
    [1, 5],
  )
  assert.equal(doubled.items[1]!.recomputed.outcome, 'allocated')
})

test('a v0.5 setup is reported with the saturation engine and its reasoning', () => {
  const list = inspectAll(parseClusterState(saturation))
  assert.deepEqual(
    list.items.map((item) => [
      item.name,
      item.shape,
      item.engine,
      item.recomputed.replicas,
      item.recomputed.saturation?.action,
    ]),
    [
      ['granite-8b-h100', 'C', 'saturation', 2, 'no-change'],
      ['granite-8b-l40s', 'C', 'saturation', 3, 'scale-up'],
    ],
  )
  assert.deepEqual(
    list.items.map((item) => item.reason),
    ['saturation-no-change', 'saturation-scale-up'],
  )
})

test('reasonCodeOf: one code per outcome of either engine family', () => {
  const queueing = {saturation: null, boundBy: null}
  assert.deepEqual(
    (['allocated', 'zeroLoad', 'infeasible', 'skipped'] as const).map((outcome) =>
      reasonCodeOf({...queueing, outcome}),
    ),
    ['sized-ttft', 'zero-load', 'infeasible', 'skipped'],
  )
  assert.equal(reasonCodeOf({...queueing, outcome: 'allocated', boundBy: 'itl'}), 'sized-itl')
  const detail = inspectAll(parseClusterState(saturation)).items[1]!.recomputed.saturation!
  assert.equal(reasonCodeOf({saturation: detail, boundBy: null, outcome: 'skipped'}), 'saturation-skipped')
  assert.equal(
    reasonCodeOf({saturation: {...detail, action: 'scale-down'}, boundBy: null, outcome: 'allocated'}),
    'saturation-scale-down',
  )
  assert.equal(
    reasonCodeOf({saturation: {...detail, action: null}, boundBy: null, outcome: 'allocated'}),
    'saturation-no-change',
  )
})
