import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {test} from 'node:test'
import Ajv2020 from 'ajv/dist/2020.js'
import {parseAllDocuments} from 'yaml'

import {startFakeApiServer} from '../support/fake-api-server.js'
import {repoRoot} from '../support/paths.js'
import {startPrometheus} from '../support/prometheus.js'
import {quickstartAt, quickstartObjects, quickstartSeries} from '../support/quickstart-live.js'
import {cleanEnv, kubectlVa, kubectlVaDirect} from '../support/run-cli.js'

// Every output kind has a JSON Schema in docs/schema/, and real output of the commands validates against it, offline
// and live (fake API server, backfilled Prometheus). The top level of each kind allows no other field, so nothing
// internal (memo counters) leaks into it unnoticed.

const schemaFiles = {
  VariantAutoscalingReportList: 'va-report-list.schema.json',
  SimulationResult: 'simulation-result.schema.json',
  SweepResult: 'sweep-result.schema.json',
  ReplayResult: 'replay-result.schema.json',
  MetricsSnapshot: 'metrics-snapshot.schema.json',
} as const
type Kind = keyof typeof schemaFiles

// Schemas may refer to each other by file name (va-report-list to simulation-result): all are added first.
const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({allErrors: true, strict: false})
const schemas = Object.fromEntries(
  Object.entries(schemaFiles).map(([kind, file]) => [
    kind,
    JSON.parse(readFileSync(join(repoRoot, 'docs', 'schema', file), 'utf8')) as {$id: string},
  ]),
) as Record<Kind, {$id: string}>
for (const schema of Object.values(schemas)) ajv.addSchema(schema)
const validators = Object.fromEntries(
  Object.entries(schemas).map(([kind, schema]) => [kind, ajv.getSchema(schema.$id)!]),
) as Record<Kind, NonNullable<ReturnType<typeof ajv.getSchema>>>

function assertValid(kind: Kind, document: unknown, what: string): void {
  assert.equal((document as {kind?: unknown}).kind, kind, what)
  const validate = validators[kind]
  assert.ok(validate(document), `${what}: ${JSON.stringify(validate.errors, null, 1)}`)
}

const quickstart = 'examples/quickstart.yaml'
const saturation = 'examples/saturation-v0.5'

test('every output kind has its schema, and docs/ lists each kind', () => {
  const docs = readFileSync(join(repoRoot, 'docs', 'output.md'), 'utf8')
  for (const [kind, file] of Object.entries(schemaFiles)) {
    assert.match(docs, new RegExp(`\\b${kind}\\b`), `docs/output.md names ${kind}`)
    assert.match(docs, new RegExp(`schema/${file.replaceAll('.', '\\.')}`), `docs/output.md links ${file}`)
  }
})

test('offline output of get, describe, simulate and sweep validates against its schema', async () => {
  const runs: Array<[Kind, string[]]> = [
    ['VariantAutoscalingReportList', ['get', '-f', quickstart, '-o', 'json']],
    ['VariantAutoscalingReportList', ['get', '-f', saturation, '-o', 'json']],
    ['VariantAutoscalingReportList', ['describe', '-f', quickstart, '-o', 'json']],
    ['VariantAutoscalingReportList', ['describe', '-f', saturation, '-o', 'yaml']],
    ['SimulationResult', ['simulate', '-f', quickstart, '-o', 'json', '--load-scale', '40']],
    ['SimulationResult', ['simulate', '-f', saturation, '-o', 'yaml']],
    [
      'SweepResult',
      ['simulate', 'llama-8b-h100', '-f', quickstart, '--sweep', 'arrival-rate=100:20000:5000', '-o', 'json'],
    ],
    ['SweepResult', ['simulate', 'granite-8b-l40s', '-f', saturation, '--sweep', 'load-scale=0.5:2:0.5', '-o', 'yaml']],
  ]
  for (const [kind, args] of runs) {
    const run = await kubectlVaDirect(args)
    assert.ok(run.code === 0 || run.code === 6, `${args.join(' ')}: exit ${run.code}\n${run.stderr}`)
    const document = args.includes('yaml') ? parseAllDocuments(run.stdout)[0]!.toJS() : JSON.parse(run.stdout)
    assertValid(kind, document, args.join(' '))
    // Offline: no Prometheus, and the warnings are the ones on stderr.
    assert.equal(document.prometheus, null)
    for (const warning of document.warnings as string[]) assert.ok(run.stderr.includes(`warning: ${warning}`), warning)
  }
})

test('live output (fake API server, real Prometheus) of every kind validates against its schema', async (t) => {
  const [api, prom] = await Promise.all([
    startFakeApiServer(t, quickstartObjects()),
    startPrometheus(t, {openmetrics: quickstartSeries()}),
  ])
  const env = cleanEnv({KUBECONFIG: api.writeKubeconfig({namespace: 'llm'}), KUBECTL_VA_PROM_URL: prom.url})
  const at = `--at=${quickstartAt.toISOString()}`
  const from = new Date(quickstartAt.getTime() - 10 * 60_000).toISOString()
  const runs: Array<[Kind, string[]]> = [
    ['VariantAutoscalingReportList', ['get', at, '-o', 'json']],
    ['VariantAutoscalingReportList', ['describe', at, '-o', 'json']],
    ['SimulationResult', ['simulate', at, '-o', 'json']],
    ['SweepResult', ['simulate', 'llama-8b-h100', at, '--sweep', 'load-scale=1:3:1', '-o', 'json']],
    ['ReplayResult', ['simulate', '--from', from, '--to', quickstartAt.toISOString(), '--step', '1m', '-o', 'json']],
  ]
  for (const [kind, args] of runs) {
    const run = await kubectlVa(args, {env})
    assert.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`)
    const document = JSON.parse(run.stdout)
    assertValid(kind, document, args.join(' '))
    assert.equal(document.prometheus.url, prom.url)
    for (const warning of document.warnings as string[]) assert.ok(run.stderr.includes(`warning: ${warning}`), warning)
    if (kind !== 'ReplayResult') assert.equal(document.evaluationTime, '2023-11-14T23:13:20Z')
  }

  await t.test('ReplayResult: RFC 3339 step times on the grid, no memo counters', async () => {
    const run = await kubectlVa(
      ['simulate', 'llama-8b-h100', '--from', from, '--to', quickstartAt.toISOString(), '--step', '1m', '-o', 'json'],
      {env},
    )
    const document = JSON.parse(run.stdout)
    assert.equal(document.start, from.replace('.000Z', 'Z'))
    assert.equal(document.end, '2023-11-14T23:13:20Z')
    assert.deepEqual(
      document.items[0].steps.slice(0, 2).map((step: {time: string}) => step.time),
      ['2023-11-14T23:03:20Z', '2023-11-14T23:04:20Z'],
    )
    assert.equal('memo' in document, false)
    assert.equal(JSON.stringify(document).includes('timeMs'), false)
  })

  await t.test('snapshot: its MetricsSnapshot document validates against its schema', async () => {
    const run = await kubectlVa(['snapshot', at], {env})
    assert.equal(run.code, 0, run.stderr)
    const snapshots = parseAllDocuments(run.stdout)
      .map((document) => document.toJS())
      .filter((document) => document?.kind === 'MetricsSnapshot')
    assert.equal(snapshots.length, 1)
    assertValid('MetricsSnapshot', snapshots[0], 'snapshot')
  })
})
