import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {describe, test} from 'node:test'

import {UsageError} from '../../../src/core/errors.js'
import {simulate} from '../../../src/core/simulate/simulate.js'
import type {SimulationItem} from '../../../src/core/simulate/simulation-result.js'
import type {WhatIf} from '../../../src/core/model/what-if.js'
import {parseMetricsSnapshot} from '../../../src/core/read/manifests/metrics-snapshot.js'
import {readManifests} from '../../../src/core/read/manifests/read-manifests.js'
import {simulationNotes} from '../../../src/core/render/simulation.js'
import {stepLoad} from '../../../src/core/simulate/replay.js'
import {repoRoot} from '../../support/paths.js'
import {parseClusterState} from '../../../src/core/model/cluster-state.js'

// The quickstart's VAs, ConfigMaps and Deployments, with our own MetricsSnapshot instead of its own.
const quickstart = readFileSync(`${repoRoot}/examples/quickstart.yaml`, 'utf8').replace(
  /apiVersion: kubectl-va[\s\S]*$/,
  '',
)

function snapshot(models: string): string {
  return `apiVersion: kubectl-va.llmd.ai/v1alpha1\nkind: MetricsSnapshot\nmodels:\n${models}\n`
}

const llamaBusy =
  '- {namespace: llm, modelID: meta/llama-3.1-8b, ' +
  'arrivalRate: 8200.5, avgInputTokens: 512.3, avgOutputTokens: 250.9}'
/** A models[] line for granite with these fields. */
const graniteEntry = (fields: string) => `- {namespace: llm, modelID: ibm/granite-13b, ${fields}}`

async function run(models: string, whatIf: WhatIf = {}): Promise<{items: SimulationItem[]; warnings: string[]}> {
  const {sources} = await readManifests(['-'], {stdin: async () => `${quickstart}${snapshot(models)}`})
  return {items: simulate(parseClusterState(sources), {whatIf}).items, warnings: sources.warnings}
}

function granite(items: readonly SimulationItem[]): SimulationItem {
  return items.find((item) => item.name === 'granite-13b-l40s')!
}

describe('a known zero arrival rate', () => {
  test('decides zeroLoad at the minimum of 1 replica with no token averages, and shows them unknown', async () => {
    const {items} = await run(`${llamaBusy}\n- {namespace: llm, modelID: ibm/granite-13b, arrivalRate: 0}`)
    const item = granite(items)
    assert.equal(item.outcome, 'zeroLoad')
    assert.deepEqual(item.desired, {replicas: 1, accelerator: 'L40S', cost: 32})
    assert.deepEqual(item.load, {arrivalRate: 0, avgInputTokens: null, avgOutputTokens: null})
    assert.deepEqual(item.loadSources, ['snapshot'])
    assert.equal(items.find((other) => other.name === 'llama-8b-h100')!.desired?.replicas, 3)
  })

  test('decides 0 replicas with scale-to-zero', async () => {
    const {items} = await run('- {namespace: llm, modelID: ibm/granite-13b, arrivalRate: 0}', {scaleToZero: true})
    assert.equal(granite(items).outcome, 'zeroLoad')
    assert.equal(granite(items).desired?.replicas, 0)
  })

  test('decides zeroLoad whatever the token averages are', async () => {
    const {items} = await run(graniteEntry('arrivalRate: 0, avgInputTokens: 900, avgOutputTokens: 3'))
    assert.equal(granite(items).outcome, 'zeroLoad')
    assert.deepEqual(granite(items).load, {arrivalRate: 0, avgInputTokens: 900, avgOutputTokens: 3})
  })

  test('reads NaN token averages (Prometheus 0/0) as no data, not as a bad entry', async () => {
    const {items, warnings} = await run(graniteEntry('arrivalRate: 0, avgInputTokens: NaN, avgOutputTokens: "NaN"'))
    assert.deepEqual(warnings, [])
    assert.equal(granite(items).outcome, 'zeroLoad')
    assert.deepEqual(granite(items).load, {arrivalRate: 0, avgInputTokens: null, avgOutputTokens: null})
  })

  test('comes from --load-scale 0 or --arrival-rate 0 too, with the token averages unknown', async () => {
    const busyWithoutTokens = '- {namespace: llm, modelID: ibm/granite-13b, arrivalRate: 40}'
    assert.equal(granite((await run(busyWithoutTokens, {loadScale: 0})).items).outcome, 'zeroLoad')
    assert.equal(granite((await run(busyWithoutTokens, {arrivalRateRpm: 0})).items).outcome, 'zeroLoad')
  })

  test('is not what an unknown rate means: no entry is no decision', async () => {
    const {items} = await run(llamaBusy)
    const item = granite(items)
    assert.equal(item.outcome, 'skipped')
    assert.equal(item.load, null)
    assert.equal(
      item.reason,
      'no load for model "ibm/granite-13b" in namespace llm (missing arrival rate, average ' +
        'input tokens, average output tokens): no MetricsSnapshot entry lists it; add one ' +
        '(docs/metrics-snapshot.md), ' +
        'or pass --arrival-rate, --input-tokens and --output-tokens',
    )
  })

  test('does not stand in for token averages at a rate that is not 0', async () => {
    const {items} = await run('- {namespace: llm, modelID: ibm/granite-13b, arrivalRate: 0}', {arrivalRateRpm: 100})
    const item = granite(items)
    assert.equal(item.outcome, 'skipped')
    assert.deepEqual(item.load, {arrivalRate: 100, avgInputTokens: null, avgOutputTokens: null})
    assert.ok(
      item.reason!.endsWith(
        ': its MetricsSnapshot entry has no avgInputTokens and avgOutputTokens, which a ' +
          'rate of 100 req/min needs; add them, or pass --input-tokens and --output-tokens',
      ),
      item.reason!,
    )
  })

  test('shape B (e46bd4b): 1 replica, or 0 with scale-to-zero and no request in the window', async () => {
    const text = readFileSync(`${repoRoot}/test/fixtures/cluster/shape-b1.yaml`, 'utf8')
    const models = snapshot('- {namespace: llm, modelID: meta/llama-3.1-8b, arrivalRate: 0}')
    const costs =
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: accelerator-unit-costs}\n' +
      'data: {A100: \'{"cost": "40"}\'}\n'
    const {sources} = await readManifests(['-'], {stdin: async () => `${text}\n---\n${costs}---\n${models}`})
    const slo = {sloTtftMs: 500, sloItlMs: 24}
    const decide = (scaleToZero: boolean) => {
      const [item] = simulate(parseClusterState(sources), {whatIf: {...slo, scaleToZero}}).items
      return [item!.name, item!.outcome, item!.desired?.replicas]
    }
    assert.deepEqual(decide(false), ['llama-8b-a100', 'zeroLoad', 1])
    assert.deepEqual(decide(true), ['llama-8b-a100', 'zeroLoad', 0])
  })
})

describe('a rate scaled beyond float32', () => {
  test('is an error for that VA, never a silent zero load', async () => {
    const models = `${llamaBusy}\n${graniteEntry('arrivalRate: 1, avgInputTokens: 10, avgOutputTokens: 10')}`
    const {items} = await run(models, {loadScale: 1e38})
    const llama = items.find((item) => item.name === 'llama-8b-h100')!
    assert.equal(llama.outcome, 'skipped')
    assert.equal(llama.desired, null)
    assert.match(llama.reason!, /^arrival rate 8200\.5 req\/min × --load-scale 1e\+38 is 8\.2\d*e\+41, beyond /)
    assert.ok(llama.reason!.endsWith("(the controller's type, at most 3.4e38); pass a smaller --load-scale"))
    assert.equal(granite(items).outcome, 'allocated')
  })

  test('stops a replay with a usage error naming the VA and the step', () => {
    const point = {timeMs: 0, arrivalRateRpm: 5000, avgInputTokens: 100, avgOutputTokens: 100}
    const object = 'variantautoscaling llm/a at 1970-01-01T00:00:00.000Z'
    assert.throws(
      () => stepLoad(point, {loadScale: 1e38}, object),
      (error) =>
        error instanceof UsageError && error.message.startsWith(`${object}: arrival rate 5000 req/min × --load-scale`),
    )
    const idle = {arrivalRateRpm: 0, avgInputTokens: 0, avgOutputTokens: 0}
    assert.deepEqual(stepLoad({timeMs: 0, arrivalRateRpm: 5000}, {loadScale: 0}), idle)
  })
})

describe('one bad MetricsSnapshot entry', () => {
  test('is set aside for its model alone: the other model is decided, the VA says which entry and why', async () => {
    const negative = graniteEntry('arrivalRate: -5, avgInputTokens: 10, avgOutputTokens: 10')
    const {items, warnings} = await run(`${llamaBusy}\n${negative}`)
    assert.equal(items.find((item) => item.name === 'llama-8b-h100')!.outcome, 'allocated')
    assert.equal(granite(items).outcome, 'skipped')
    assert.match(granite(items).reason!, /: its MetricsSnapshot entry \(<stdin>:\d+ models\[1\]\) is invalid: /)
    assert.ok(
      granite(items).reason!.endsWith(
        'is invalid: arrivalRate: must not be negative, got -5; fix the entry, ' +
          'or pass --arrival-rate, --input-tokens and --output-tokens',
      ),
    )
    assert.deepEqual(
      warnings.map((warning) => warning.replace(/^<stdin>:\d+: /, '')),
      ['MetricsSnapshot models[1]: arrivalRate: must not be negative, got -5; the entry is ignored'],
    )
  })

  test('what-if flags for every quantity still decide its model', async () => {
    const flags = {arrivalRateRpm: 300, avgInputTokens: 1024, avgOutputTokens: 180}
    const {items} = await run(graniteEntry('arrivalRate: -5'), flags)
    assert.equal(granite(items).outcome, 'allocated')
  })

  test('bad pods, retention counts, time and window are set aside alone too', () => {
    const parsed = parseMetricsSnapshot({
      apiVersion: 'kubectl-va.llmd.ai/v1alpha1',
      kind: 'MetricsSnapshot',
      time: 'yesterday',
      window: 5,
      models: [{namespace: 'llm', modelID: 'm', arrivalRate: 1}],
      pods: [{name: 'p0', kvCacheUsage: 0.5}, {name: 'p1', kvCacheUsage: -1}, 'p2'],
      requestsInRetention: [
        {namespace: 'a', modelID: 'm', requests: 3},
        {namespace: 'x', modelID: 'y', requests: -1},
      ],
    })
    const paths = ['time', 'window', 'pods[1].kvCacheUsage', 'pods[2].name', 'requestsInRetention[1]']
    assert.deepEqual(
      parsed.problems.map((problem) => problem.path),
      paths,
    )
    assert.deepEqual(
      parsed.snapshot?.pods?.map((pod) => pod.name),
      ['p0'],
    )
    assert.deepEqual(parsed.snapshot?.requestsInRetention, [{namespace: 'a', modelID: 'm', requests: 3}])
    assert.deepEqual(parsed.snapshot?.models, [{namespace: 'llm', modelID: 'm', arrivalRateRpm: 1}])
  })

  test('a document of another apiVersion is ignored as a whole, with the reason', () => {
    const parsed = parseMetricsSnapshot({apiVersion: 'v1', kind: 'MetricsSnapshot', models: []})
    assert.equal(parsed.snapshot, undefined)
    const message = 'must be kubectl-va.llmd.ai/v1alpha1, got v1; the document is ignored'
    assert.deepEqual(parsed.problems, [{path: 'apiVersion', message}])
  })
})

describe('simulate notes', () => {
  test('a skipped VA is an error line in the documented form; an infeasible one a warning', async () => {
    const {items} = await run('- {namespace: llm, modelID: meta/llama-3.1-8b, arrivalRate: -1}')
    const notes = simulationNotes(items)
    assert.equal(notes.length, 2)
    for (const note of notes) assert.match(note, /^error: variantautoscaling llm\/[a-z0-9-]+: [^;]+; .+$/)
    const reason = 'no feasible allocations found for all variants: x'
    const infeasible: SimulationItem = {...items[0]!, outcome: 'infeasible', reason}
    const line = `warning: variantautoscaling llm/${infeasible.name}: infeasible: ${reason}`
    assert.deepEqual(simulationNotes([infeasible]), [line])
    const upstream: SimulationItem = {...items[0]!, reason: 'alpha: strconv.ParseFloat: parsing "x": invalid syntax'}
    assert.match(simulationNotes([upstream])[0]!, /invalid syntax; fix the profile's perfParms$/)
  })
})
