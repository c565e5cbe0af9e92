import assert from 'node:assert/strict'
import {test} from 'node:test'

import {inspectAll} from '../../../src/core/view/inspect.js'
import type {VaReport} from '../../../src/core/view/va-report.js'
import {readManifests} from '../../../src/core/read/manifests/read-manifests.js'
import {recomputedCell, renderGetTable, renderNames} from '../../../src/core/render/get.js'
import {repoRoot} from '../../support/paths.js'
import {parseClusterState} from '../../../src/core/model/cluster-state.js'

const reports = inspectAll(
  parseClusterState((await readManifests([`${repoRoot}/examples/quickstart.yaml`])).sources),
).items
const now = new Date('2026-11-02T00:00:00Z')
const plain = {wide: false, noHeaders: false, allNamespaces: false, now}

function withReport(report: VaReport, change: Partial<VaReport>): VaReport {
  return {...report, ...change}
}

test('the table: measured/target latencies, current, controller and recomputed replicas; numbers right-aligned', () => {
  const dated = reports.map((report) => withReport(report, {creationTimestamp: '2026-10-31T00:00:00Z'}))
  assert.equal(
    renderGetTable(dated, plain),
    [
      'NAME                  RPM   TTFT(MS)   ITL(MS)   CURRENT   CONTROLLER   RECOMPUTED',
      'granite-13b-l40s    300.2   950/2000    62/200         1       <none>            1',
      'llama-8b-h100      8200.5    210/500     23/24         2       <none>            3',
      '',
    ].join('\n'),
  )
})

test('unknown is <unknown>, absent is <none>; a target of 0 (not constrained) shows the measured value alone', () => {
  const unmeasured = withReport(reports[1]!, {metrics: null})
  assert.match(renderGetTable([unmeasured], plain), /llama-8b-h100\s+<unknown>\s+<unknown>\s+<unknown>\s+2\s+<none>/)
  const unconstrained = withReport(reports[1]!, {slo: {...reports[1]!.slo!, ttftMs: 0}})
  assert.match(renderGetTable([unconstrained], plain), /8200\.5\s+210\s+23\/24\s/)
})

test('-A adds NAMESPACE; --no-headers drops the header; wide adds model, accelerator, shape and the rest', () => {
  const llama = withReport(reports[1]!, {
    controller: {...reports[1]!.controller, desiredReplicas: 2, lastRunTime: '2026-11-01T23:58:00Z'},
  })
  assert.equal(
    renderGetTable([llama], {...plain, allNamespaces: true, noHeaders: true}),
    'llm   llama-8b-h100   8200.5   210/500   23/24   2   2   3\n',
  )
  const wide = renderGetTable([llama], {...plain, wide: true}).split('\n')
  assert.deepEqual(wide[0]!.trim().split(/\s+/), [
    'NAME',
    'MODEL',
    'ACCELERATOR',
    'SHAPE',
    'ENGINE',
    'RPM',
    'TTFT(MS)',
    'ITL(MS)',
    'CURRENT',
    'READY',
    'CONTROLLER',
    'RECOMPUTED',
    'BOUND-BY',
    'COST/REPLICA',
    'LAST-RUN',
    'AGE',
  ])
  assert.deepEqual(wide[1]!.trim().split(/\s+/), [
    'llama-8b-h100',
    'meta/llama-3.1-8b',
    'H100',
    'A',
    'queueing-model',
    '8200.5',
    '210/500',
    '23/24',
    '2',
    '<unknown>',
    '2',
    '3',
    'itl',
    '100.0',
    '2m',
    '<unknown>',
  ])
})

test('highlight wraps exactly the latency cells over their SLO', () => {
  const over = withReport(reports[1]!, {metrics: {...reports[1]!.metrics!, ttftMs: 600, itlMs: 20}})
  const table = renderGetTable([over], {...plain, highlight: (text) => `[${text}]`})
  assert.match(table, /\s\[600\/500\]\s+20\/24\s/)
  assert.equal((table.match(/\[/g) ?? []).length, 1)
})

test('RECOMPUTED: a problem is <error>, infeasible is <infeasible>, skipped is <none>', () => {
  const base = reports[0]!
  assert.equal(recomputedCell(withReport(base, {problems: ['spec.modelID: expected a string']})), '<error>')
  const recomputed = (outcome: VaReport['recomputed']['outcome'], replicas: number | null) =>
    recomputedCell(withReport(base, {recomputed: {...base.recomputed, outcome, replicas}}))
  assert.deepEqual(
    [
      recomputed('infeasible', null),
      recomputed('skipped', null),
      recomputed('zeroLoad', 1),
      recomputed('allocated', 4),
    ],
    ['<infeasible>', '<none>', '1', '4'],
  )
})

test('-o name prints kubectl resource names', () => {
  assert.equal(
    renderNames(reports),
    'variantautoscaling.llmd.ai/granite-13b-l40s\nvariantautoscaling.llmd.ai/llama-8b-h100\n',
  )
})
