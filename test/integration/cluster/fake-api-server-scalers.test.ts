import assert from 'node:assert/strict'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {test, type TestContext} from 'node:test'

import {parse} from 'yaml'

import {type FakeApiServer, startFakeApiServer} from '../../support/fake-api-server.js'
import {clusterFixture} from '../../support/kube-fixtures.js'
import {cleanEnv, runCommand} from '../../support/run-cli.js'

// Faithfulness for WVA v0.9's variant sources: real kubectl reads autoscaling/v2 HPAs (built in) and KEDA
// ScaledObjects (served only while their CRD is installed) back from the fake API server.

async function kubectl(t: TestContext, api: FakeApiServer, args: string[]) {
  const cacheDir = mkdtempSync(join(tmpdir(), 'kva-kubectl-cache-'))
  t.after(() => rmSync(cacheDir, {recursive: true, force: true}))
  return runCommand('kubectl', ['--kubeconfig', api.writeKubeconfig(), '--cache-dir', cacheDir, ...args], {
    env: cleanEnv(),
  })
}

const now = () => new Date('2026-08-10T12:00:00Z')
const scalers = () => clusterFixture('wva-v0.9-scalers')
const withKeda = () => clusterFixture('crd-keda-scaledobjects', 'wva-v0.9-scalers')
const withoutScaledObjects = () => scalers().filter((object) => object.kind !== 'ScaledObject')

function table(stdout: string): string[][] {
  return stdout
    .trimEnd()
    .split('\n')
    .map((line) => line.split(/\s{2,}/))
}

function assertReadOnly(api: FakeApiServer) {
  assert.ok(api.requests.length > 0)
  assert.deepEqual([...new Set(api.requests.map((request) => request.method))], ['GET'])
}

test('kubectl get hpa -A prints the HPA columns from a server-side Table', async (t) => {
  const api = await startFakeApiServer(t, withKeda(), {now})
  const run = await kubectl(t, api, ['get', 'hpa', '-A'])
  assert.equal(run.stderr, '')
  assert.equal(run.code, 0)
  assert.deepEqual(table(run.stdout), [
    ['NAMESPACE', 'NAME', 'REFERENCE', 'TARGETS', 'MINPODS', 'MAXPODS', 'REPLICAS', 'AGE'],
    ['llm', 'llama-8b-h100-decode', 'Deployment/llama-8b-h100-decode', '1/1 (avg)', '1', '4', '2', '120m'],
    ['web', 'plain-web', 'Deployment/web', 'cpu: 42%/80%', '<unset>', '10', '3', '9d'],
  ])
  const list = api.requests.find((request) => request.path === '/apis/autoscaling/v2/horizontalpodautoscalers')
  assert.match(list?.headers.accept ?? '', /as=Table/)
  assertReadOnly(api)
})

test('kubectl get hpa NAME -o yaml returns the annotated fixture HPA unchanged', async (t) => {
  const api = await startFakeApiServer(t, withKeda())
  const run = await kubectl(t, api, ['get', 'hpa', 'llama-8b-h100-decode', '-n', 'llm', '-o', 'yaml'])
  assert.equal(run.stderr, '')
  assert.equal(run.code, 0)
  const hpa: any = parse(run.stdout)
  const stored = api.stored('horizontalpodautoscalers').find((o) => o.metadata?.name === 'llama-8b-h100-decode')
  assert.equal(hpa.apiVersion, 'autoscaling/v2')
  assert.deepEqual(hpa.metadata.annotations, {
    'llm-d.ai/managed': 'true',
    'llm-d.ai/model-id': 'meta-llama/Llama-3.1-8B-Instruct',
    'llm-d.ai/variant-cost': '40.0',
  })
  const fromFile = withKeda().find((o) => o.metadata?.name === 'llama-8b-h100-decode')!
  assert.deepEqual(hpa.spec, fromFile.spec)
  assert.deepEqual(hpa.status, fromFile.status)
  assert.deepEqual(hpa, stored) // last: the assertion narrows hpa's type
  assertReadOnly(api)
})

test('an HPA label selector filters server-side, and a missing HPA is NotFound', async (t) => {
  const api = await startFakeApiServer(t, withKeda(), {aggregatedDiscovery: false})
  const run = await kubectl(t, api, ['get', 'horizontalpodautoscalers', '-A', '-l', 'app.kubernetes.io/part-of'])
  assert.equal(run.stderr, '')
  assert.equal(table(run.stdout).length, 2)
  const named = await kubectl(t, api, ['get', 'hpa', '-A', '-o', 'name', '--field-selector', 'metadata.name=plain-web'])
  assert.equal(named.stderr, '')
  assert.equal(named.stdout, 'horizontalpodautoscaler.autoscaling/plain-web\n')
  const missing = await kubectl(t, api, ['get', 'hpa', 'nope', '-n', 'llm'])
  assert.equal(missing.code, 1)
  assert.equal(
    missing.stderr.trim(),
    'Error from server (NotFound): horizontalpodautoscalers.autoscaling "nope" not found',
  )
  assert.ok(api.requests.some((request) => request.path === '/apis/autoscaling/v2'))
  assertReadOnly(api)
})

test('kubectl get scaledobjects -A prints KEDA printer columns while the CRD is installed', async (t) => {
  const api = await startFakeApiServer(t, withKeda(), {now})
  const header = [
    'NAMESPACE',
    'NAME',
    'SCALETARGETKIND',
    'SCALETARGETNAME',
    'MIN',
    'MAX',
    'READY',
    'ACTIVE',
    'FALLBACK',
    'PAUSED',
    'TRIGGERS',
    'AUTHENTICATIONS',
    'AGE',
  ]
  const row = [
    'llm',
    'qwen-32b-a100-decode',
    'apps/v1.Deployment',
    'qwen-32b-a100-decode',
    '1',
    '6',
    'True',
    'True',
    'False',
    'False',
    'prometheus',
    '',
    '60m',
  ]
  for (const resource of ['scaledobjects', 'so', 'scaledobjects.keda.sh']) {
    const run = await kubectl(t, api, ['get', resource, '-A'])
    assert.equal(run.stderr, '', resource)
    assert.equal(run.code, 0, resource)
    const lines = run.stdout.trimEnd().split('\n')
    assert.deepEqual(lines[0]!.split(/\s+/), header, resource)
    // AUTHENTICATIONS is empty: split on runs of blanks and the empty cell disappears.
    assert.deepEqual(lines[1]!.split(/\s+/), [...row.slice(0, 11), row[12]], resource)
    assert.equal(lines.length, 2, resource)
  }
  const json = await kubectl(t, api, ['get', 'so', '-n', 'llm', '-o', 'json'])
  assert.deepEqual(JSON.parse(json.stdout).items, api.stored('scaledobjects'))
  assert.equal(JSON.parse(json.stdout).items[0].metadata.annotations['llm-d.ai/managed'], 'true')
  assertReadOnly(api)
})

test('without the KEDA CRD, scaledobjects are not a resource type and their API paths are 404', async (t) => {
  const api = await startFakeApiServer(t, withoutScaledObjects())
  for (const resource of ['scaledobjects', 'so']) {
    const run = await kubectl(t, api, ['get', resource, '-A'])
    assert.equal(run.code, 1, resource)
    assert.equal(run.stderr.trim(), `error: the server doesn't have a resource type "${resource}"`, resource)
  }
  const raw = await kubectl(t, api, ['get', '--raw', '/apis/keda.sh/v1alpha1/namespaces/llm/scaledobjects'])
  assert.equal(raw.code, 1)
  assert.match(raw.stderr, /NotFound|could not find the requested resource/)
  const hpas = await kubectl(t, api, ['get', 'hpa', '-A', '-o', 'name'])
  assert.equal(hpas.stdout.trimEnd().split('\n').length, 2)
  assertReadOnly(api)
  await assert.rejects(startFakeApiServer(t, scalers()), /no resource serves keda.sh\/v1alpha1 ScaledObject/)
})
