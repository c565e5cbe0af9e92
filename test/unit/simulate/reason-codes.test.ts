import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {test} from 'node:test'

import {parseClusterState} from '../../../src/core/model/cluster-state.js'
import {readManifests} from '../../../src/core/read/manifests/read-manifests.js'
import {simulate} from '../../../src/core/simulate/simulate.js'
import {causeCodes, reasonCodeOf, reasonCodes} from '../../../src/core/simulate/simulation-result.js'
import {repoRoot} from '../../support/paths.js'
import {
  controllerV051,
  deployment,
  podMetrics,
  shapeAVa,
  shapeCVa,
  sourcesOf,
} from '../decide/saturation/groups/builders.js'
import {clusterFixture} from '../../support/kube-fixtures.js'

const schema = JSON.parse(readFileSync(join(repoRoot, 'docs', 'schema', 'simulation-result.schema.json'), 'utf8'))
const quickstart = async () =>
  parseClusterState((await readManifests([`${repoRoot}/examples/quickstart.yaml`])).sources)

test('the schema lists exactly the reason and cause codes of the code', () => {
  assert.deepEqual(schema.$defs.item.properties.reasonCode.enum, [...reasonCodes])
  assert.deepEqual(schema.$defs.item.properties.cause.enum, [...causeCodes, null])
})

test('queueing model: the reason code and the infeasible target as data, beside the words', async () => {
  const state = await quickstart()
  const codes = (whatIf: Parameters<typeof simulate>[1]['whatIf']) =>
    simulate(state, {whatIf}).items.map((item) => [item.outcome, item.reasonCode, item.cause])
  assert.deepEqual(codes({}), [
    ['allocated', 'sized-ttft', null],
    ['allocated', 'sized-itl', null],
  ])
  assert.deepEqual(codes({arrivalRateRpm: 0}), [
    ['zeroLoad', 'zero-load', null],
    ['zeroLoad', 'zero-load', null],
  ])
  assert.deepEqual(codes({sloItlMs: 0.5}), [
    ['infeasible', 'infeasible', 'infeasible-itl'],
    ['infeasible', 'infeasible', 'infeasible-itl'],
  ])
  assert.deepEqual(codes({sloTtftMs: 0.5}), [
    ['infeasible', 'infeasible', 'infeasible-ttft'],
    ['infeasible', 'infeasible', 'infeasible-ttft'],
  ])
  // The words still name the target the code names.
  for (const item of simulate(state, {whatIf: {sloItlMs: 0.5}}).items) assert.match(item.reason ?? '', /ITL/)
  for (const item of simulate(state, {whatIf: {}}).items) assert.equal(item.reasonCode, reasonCodeOf(item))
})

test('queueing model: each skip has its cause', () => {
  const state = parseClusterState(
    sourcesOf([
      ...clusterFixture('crd-a-v0.0.4', 'controller-v0.0.4'),
      shapeAVa('no-label', {accelerator: null}),
      shapeAVa('no-profile'),
    ]),
  )
  const items = simulate(state, {whatIf: {}}).items
  assert.deepEqual(
    items.map((item) => [item.name, item.outcome, item.reasonCode, item.cause]),
    items.map((item) => [item.name, 'skipped', 'skipped', item.cause]),
  )
  assert.deepEqual(
    items.map((item) => [item.name, item.cause]),
    [
      ['no-label', 'no-accelerator-label'],
      ['no-profile', 'no-profile'],
    ],
  )
  assert.ok(items.every((item) => item.reason !== null))
})

test("saturation engines: a skipped VA's reason is worded from its typed skip, as its first sentence says", () => {
  const state = parseClusterState(
    sourcesOf([
      ...clusterFixture('crd-c'),
      ...controllerV051(),
      shapeCVa('a', {cost: '5', desired: 2}),
      shapeCVa('b', {cost: '20', accelerator: null}),
      deployment('a-decode', {replicas: 2}),
      deployment('b-decode', {replicas: 1}),
      shapeCVa('ghost', {modelID: 'org/ghost'}),
      shapeCVa('zero', {modelID: 'org/zero'}),
      deployment('zero-decode', {replicas: 0}),
      shapeCVa('quiet', {modelID: 'org/quiet', desired: 3}),
      deployment('quiet-decode', {replicas: 1}),
    ]),
  )
  const pods = [
    podMetrics('a-decode-1-x', 0.95, 9, {deployment: 'a-decode'}),
    podMetrics('b-decode-1-x', 0.95, 9, {deployment: 'b-decode'}),
  ]
  const items = simulate(state, {whatIf: {}, pods}).items
  const rows = items.map((item) => [item.name, item.reasonCode, item.cause])
  assert.deepEqual(rows, [
    ['a', 'saturation-no-change', null],
    ['b', 'saturation-skipped', 'no-accelerator-label'],
    ['ghost', 'saturation-skipped', 'deployment-not-found'],
    ['quiet', 'saturation-skipped', 'no-metrics'],
    ['zero', 'saturation-skipped', 'deployment-at-zero'],
  ])
  for (const item of items) {
    assert.equal(item.reasonCode, reasonCodeOf(item))
    if (item.outcome !== 'skipped') continue
    // Before, the reason was read back from the first sentence; the typed skip words it the same.
    assert.equal(item.reason, item.saturation?.explanation[0]?.replace(/^skipped: /, ''))
  }
  assert.match(items.find((item) => item.name === 'quiet')?.reason ?? '', /desired stays 3/)
})
