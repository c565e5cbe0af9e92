import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {test} from 'node:test'
import {gzipSync} from 'node:zlib'

import Ajv2020 from 'ajv/dist/2020.js'
import {parseAllDocuments, parse as parseYaml} from 'yaml'

import type {KubeObject} from '../../src/core/model/kube-object.js'
import {startFakeApiServer} from '../support/fake-api-server.js'
import {exampleCaptureOptions, exampleProfile} from '../support/fit-example.js'
import {clusterFixture} from '../support/kube-fixtures.js'
import {repoRoot} from '../support/paths.js'
import {profileTrafficOpenMetrics} from '../support/profile-traffic.js'
import {startPrometheus} from '../support/prometheus.js'
import {cleanEnv, kubectlVa} from '../support/run-cli.js'

// kubectl va fit through real kubectl plugin discovery: the VA of examples/fit/granite-8b.yaml on the fake API server
// (shape B0 CRD), its traffic (examples/fit/granite-8b.om.gz, from a known profile) in a real Prometheus.
const schema = JSON.parse(readFileSync(join(repoRoot, 'docs/schema/profile-fit.schema.json'), 'utf8'))
const validate = new (Ajv2020 as unknown as typeof Ajv2020.default)({allErrors: true, strict: false}).compile(schema)
const capture = join(repoRoot, 'examples/fit/granite-8b.om.gz')
const manifests = join(repoRoot, 'examples/fit/granite-8b.yaml')
const from = new Date(exampleCaptureOptions.startS * 1000).toISOString()
const to = new Date((exampleCaptureOptions.startS + exampleCaptureOptions.durationS) * 1000).toISOString()

function exampleObjects(): KubeObject[] {
  return parseAllDocuments(readFileSync(manifests, 'utf8')).map((document) => document.toJS() as KubeObject)
}

interface FitJson {
  fits: Array<{form: string; outcome: string; parameters: Array<{name: string; value: number; configured: number}>}>
  decisions: Array<{form: string; profile: string; outcome: string; replicas: number | null}>
  source: string
}

function assertValid(document: unknown): void {
  assert.ok(validate(document), JSON.stringify(validate.errors, null, 2))
}

function assertNearTruth(document: FitJson): void {
  const v05 = document.fits.find((fit) => fit.form === 'v0.5')!
  assert.equal(v05.outcome, 'fitted')
  for (const parameter of v05.parameters) {
    const truth = (exampleProfile as unknown as Record<string, number>)[parameter.name]!
    assert.ok(Math.abs(parameter.value - truth) / truth < 0.08, `${parameter.name} ${parameter.value} vs ${truth}`)
  }
}

test('fit a VA live: real kubectl, the fake API server and a real Prometheus', async (t) => {
  const [api, prom] = await Promise.all([
    startFakeApiServer(t, [...clusterFixture('crd-b0'), ...exampleObjects()]),
    startPrometheus(t, {openmetrics: profileTrafficOpenMetrics(exampleCaptureOptions)}),
  ])
  const env = cleanEnv({KUBECONFIG: api.writeKubeconfig({namespace: 'llm'}), KUBECTL_VA_PROM_URL: prom.url})
  const range = ['--from', from, '--to', to]

  await t.test('-o json: valid against the schema, the configured profile beside the fitted one', async () => {
    const run = await kubectlVa(['fit', 'granite-8b-h100', ...range, '--form', 'v0.5', '-o', 'json'], {env})
    assert.equal(run.code, 0, run.stderr)
    const document = JSON.parse(run.stdout) as FitJson
    assertValid(document)
    assert.equal(document.source, 'prometheus')
    assertNearTruth(document)
    const alpha = document.fits[0]!.parameters.find((p) => p.name === 'alpha')!
    assert.equal(alpha.configured, 7.9)
    assert.deepEqual(
      document.decisions.map((d) => [d.profile, d.outcome]),
      [
        ['configured', 'allocated'],
        ['fitted', 'allocated'],
      ],
    )
    assert.ok(api.requests.every((request) => request.method === 'GET'))
  })

  await t.test('-o yaml: a merge patch of the VA profile, never applied', async () => {
    const before = api.requests.length
    const run = await kubectlVa(['fit', 'granite-8b-h100', ...range, '--form', 'v0.5', '-o', 'yaml'], {env})
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stdout, /^# kubectl patch variantautoscaling granite-8b-h100 -n llm --type merge/)
    const patch = parseYaml(run.stdout) as {spec: {variantProfile: {perfParms: {decodeParms: {alpha: string}}}}}
    assert.equal(typeof patch.spec.variantProfile.perfParms.decodeParms.alpha, 'string')
    assert.ok(api.requests.slice(before).every((request) => request.method === 'GET'))
  })

  await t.test('the live fit and the offline fit of the same capture agree', async () => {
    const live = JSON.parse(
      (await kubectlVa(['fit', 'granite-8b-h100', ...range, '--form', 'v0.5', '-o', 'json'], {env})).stdout,
    ) as FitJson
    const offline = await kubectlVa(
      ['fit', 'granite-8b-h100', '-n', 'llm', '-f', capture, '-f', manifests, '--form', 'v0.5', '-o', 'json'],
      {env: cleanEnv()},
    )
    assert.equal(offline.code, 0, offline.stderr)
    const document = JSON.parse(offline.stdout) as FitJson
    assertValid(document)
    live.fits[0]!.parameters.forEach((parameter, index) => {
      const other = document.fits[0]!.parameters[index]!
      assert.ok(
        Math.abs(other.value - parameter.value) <= 0.03 * Math.abs(parameter.value),
        `${parameter.name}: ${parameter.value} live, ${other.value} offline`,
      )
    })
  })

  await t.test('a VA that does not exist is exit 3 with one error line', async () => {
    const run = await kubectlVa(['fit', 'nope', ...range], {env})
    assert.equal(run.code, 3)
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr)
    assert.match(run.stderr, /^error: .*nope.*not found/)
  })
})

test('fit refuses data that cannot identify a parameter: exit 3, one line why', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kva-fit-'))
  t.after(() => rmSync(dir, {recursive: true, force: true}))
  const file = join(dir, 'flat.om.gz')
  writeFileSync(file, gzipSync(profileTrafficOpenMetrics({...exampleCaptureOptions, batch: [1, 1]})))
  const run = await kubectlVa(['fit', '--model', 'granite-8b', '-n', 'llm', '-f', file], {env: cleanEnv()})
  assert.equal(run.code, 3, run.stderr)
  assert.equal(
    run.stderr,
    'error: model llm/granite-8b: v0.5 beta not identifiable: the running batch never went above 1 (240 points); ' +
      'fit over a range with concurrent requests\n',
  )
})

test('both forms of a capture: the form that does not fit is refused, the run is partial (exit 6)', async () => {
  const run = await kubectlVa(['fit', '--model', 'granite-8b', '-n', 'llm', '-f', capture, '-o', 'json'], {
    env: cleanEnv(),
  })
  assert.equal(run.code, 6, run.stderr)
  const document = JSON.parse(run.stdout) as FitJson
  assertValid(document)
  assert.deepEqual(
    document.fits.map((fit) => [fit.form, fit.outcome]),
    [
      ['v0.5', 'fitted'],
      ['v0.6', 'refused'],
    ],
  )
  assert.match(run.stderr, /^error: model llm\/granite-8b: v0\.6 gamma not identifiable: negative .*; compare/m)
})
