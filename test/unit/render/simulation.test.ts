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
      'NAME              MODEL                ACCELERATOR   RATE(RPM)   CURRENT   DESIRED   ' +
        'MAX-KV   MAX-QUEUE   SATURATED   SPARE-KV    SPARE-QUEUE',
      'granite-8b-h100   ibm/granite-3.3-8b   H100          1800        2         2         ' +
        '100%     213         2/2         0.00<0.10   0.0<3.0',
      'granite-8b-l40s   ibm/granite-3.3-8b   L40S          1800        2         8         ' +
        '100%     193         2/2         0.00<0.10   0.0<3.0',
      '',
    ].join('\n'),
  )
})

test('a table of both engines shows both families of columns, each row a dash in the other family', () => {
  const items = [
    ...simulate(parseClusterState(quickstart), {whatIf: {}}).items,
    ...simulate(parseClusterState(saturation), {whatIf: {}}).items,
  ]
  const lines = renderSimulationTable(items, {}).trimEnd().split('\n')
  const cells = (line: string) => line.trim().split(/\s+/)
  assert.deepEqual(cells(lines[0]!), [
    'NAME',
    'MODEL',
    'ACCELERATOR',
    'RATE(RPM)',
    'TOKENS(IN/OUT)',
    'SLO(TTFT/ITL)',
    'CURRENT',
    'DESIRED',
    'TTFT(MS)',
    'ITL(MS)',
    'BOUND-BY',
    'MAX-KV',
    'MAX-QUEUE',
    'SATURATED',
    'SPARE-KV',
    'SPARE-QUEUE',
  ])
  assert.deepEqual(cells(lines[2]!), [
    'llama-8b-h100',
    'meta/llama-3.1-8b',
    'H100',
    '8200.5',
    '512/251',
    '500/24',
    '2',
    '3',
    '45.7',
    '15.2',
    'itl',
    '-',
    '-',
    '-',
    '-',
    '-',
  ])
  assert.deepEqual(cells(lines[4]!), [
    'granite-8b-l40s',
    'ibm/granite-3.3-8b',
    'L40S',
    '900',
    '-',
    '-',
    '2',
    '3',
    '-',
    '-',
    '-',
    '83%',
    '4',
    '1/2',
    '0.04<0.10',
    '3.5>=3.0',
  ])
})

test('a queueing-model table keeps exactly its columns', () => {
  const header = renderSimulationTable(simulate(parseClusterState(quickstart), {whatIf: {}}).items, {wide: true}).split(
    '\n',
  )[0]
  assert.equal(
    header?.split(/\s+/).join(' '),
    'NAME MODEL ACCELERATOR SHAPE ENGINE RATE(RPM) TOKENS(IN/OUT) SLO(TTFT/ITL) MAX-BATCH CURRENT DESIRED TTFT(MS) ' +
      'ITL(MS) BOUND-BY UTIL MAX-RPM/REPLICA COST OUTCOME',
  )
})
