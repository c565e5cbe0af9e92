import assert from 'node:assert/strict'
import {test} from 'node:test'

import {simulate} from '../../../src/core/simulate/simulate.js'
import {readManifests} from '../../../src/core/read/manifests/read-manifests.js'
import {renderSimulationTable} from '../../../src/core/render/simulation.js'
import {fixturePath, repoRoot} from '../../support/paths.js'
import {parseClusterState} from '../../../src/core/model/cluster-state.js'

const quickstart = (await readManifests([`${repoRoot}/examples/quickstart.yaml`])).sources
const saturation = (await readManifests([fixturePath('manifests', 'saturation', 'v0.5-two-variants.yaml')])).sources

test("a saturation VA shows what the engine decided from, not the queueing model's empty columns", () => {
  const table = renderSimulationTable(simulate(parseClusterState(saturation), {whatIf: {loadScale: 2}}).items, {})
  assert.equal(
    table,
    [
      'NAME               RPM   CURRENT   RECOMPUTED   MAX-KV   MAX-QUEUE    SPARE-KV',
      'granite-8b-h100   1800         2            2     100%         213   0.00<0.10',
      'granite-8b-l40s   1800         2            8     100%         193   0.00<0.10',
      '',
    ].join('\n'),
  )
})

test('a table of both engines shows both families of columns, each row <none> in the other family', () => {
  const items = [
    ...simulate(parseClusterState(quickstart), {whatIf: {}}).items,
    ...simulate(parseClusterState(saturation), {whatIf: {}}).items,
  ]
  // Compared without the padding: the columns are what this test is about.
  const rows = renderSimulationTable(items, {})
    .trimEnd()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).join(' '))
  assert.deepEqual(rows, [
    'NAME RPM CURRENT RECOMPUTED PRED-TTFT(MS) PRED-ITL(MS) MAX-KV MAX-QUEUE SPARE-KV',
    'granite-13b-l40s 300.2 1 1 780/2000 28/200 <none> <none> <none>',
    'llama-8b-h100 8200.5 2 3 46/500 15/24 <none> <none> <none>',
    'granite-8b-h100 900 2 2 <none> <none> 86% 6 0.04<0.10',
    'granite-8b-l40s 900 2 3 <none> <none> 83% 4 0.04<0.10',
  ])
  const wide = renderSimulationTable(items, {wide: true}).split('\n')[0]!.trim().split(/\s+/)
  assert.deepEqual(wide.slice(-7), [
    'MAX-KV',
    'MAX-QUEUE',
    'SATURATED',
    'SPARE-KV',
    'SPARE-QUEUE',
    'TOTAL-COST',
    'OUTCOME',
  ])
})

test('a queueing-model table keeps exactly its columns; -o wide adds the rest', () => {
  const items = simulate(parseClusterState(quickstart), {whatIf: {}}).items
  assert.equal(
    renderSimulationTable(items, {}).split('\n')[0]?.split(/\s+/).join(' '),
    'NAME RPM CURRENT RECOMPUTED PRED-TTFT(MS) PRED-ITL(MS)',
  )
  assert.equal(
    renderSimulationTable(items, {wide: true}).split('\n')[0]?.split(/\s+/).join(' '),
    'NAME MODEL ACCELERATOR SHAPE ENGINE RPM TOKENS(IN/OUT) SLO(TTFT/ITL) MAX-BATCH CURRENT CONTROLLER RECOMPUTED ' +
      'PRED-TTFT(MS) PRED-ITL(MS) BOUND-BY UTIL MAX-RPM/REPLICA TOTAL-COST OUTCOME',
  )
})
