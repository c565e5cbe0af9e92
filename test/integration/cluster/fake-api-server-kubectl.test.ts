import assert from 'node:assert/strict'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {test, type TestContext} from 'node:test'

import {type FakeApiServer, startFakeApiServer} from '../../support/fake-api-server.js'
import {clusterFixture, manyShapeCObjects} from '../../support/kube-fixtures.js'
import {cleanEnv, runCommand} from '../../support/run-cli.js'

// Faithfulness: real kubectl, with its discovery, content negotiation and printers, reads our fixtures back from the
// fake API server unchanged. If kubectl is happy, client libraries speaking the same REST dialect are too.

async function kubectl(t: TestContext, api: FakeApiServer, args: string[], kubeconfig = api.writeKubeconfig()) {
  const cacheDir = mkdtempSync(join(tmpdir(), 'kva-kubectl-cache-'))
  t.after(() => rmSync(cacheDir, {recursive: true, force: true}))
  return runCommand('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...args], {env: cleanEnv()})
}

function names(list: {items: Array<{metadata: {namespace?: string; name: string}}>}): string[] {
  return list.items.map((item) => `${item.metadata.namespace ?? ''}/${item.metadata.name}`).sort()
}

const fixture = () => clusterFixture('crd-a-v0.0.4', 'shape-a-v0.0.4', 'controller-v0.0.4')

test('kubectl get variantautoscalings -A -o json returns the fixture VAs unchanged', async (t) => {
  const api = await startFakeApiServer(t, fixture())
  const run = await kubectl(t, api, ['get', 'variantautoscalings', '-A', '-o', 'json'])
  assert.equal(run.stderr, '')
  assert.equal(run.code, 0)
  const list = JSON.parse(run.stdout)
  assert.deepEqual(list.items, api.stored('variantautoscalings'))
  assert.deepEqual(names(list), ['llm/granite-13b-l40s', 'llm/vllme-deployment'])
  const fromFile = clusterFixture('shape-a-v0.0.4')
    .filter((object) => object.kind === 'VariantAutoscaling')
    .sort((a, b) => a.metadata!.name!.localeCompare(b.metadata!.name!))
  assert.deepEqual(
    list.items.map((item: any) => item.spec),
    fromFile.map((item) => item.spec),
  )
  assert.deepEqual(
    list.items.map((item: any) => item.status),
    fromFile.map((item) => item.status),
  )
})

test('kubectl get va -n llm prints the CRD printer columns from a server-side Table', async (t) => {
  const api = await startFakeApiServer(t, fixture(), {now: () => new Date('2025-11-20T12:00:00Z')})
  const run = await kubectl(t, api, ['get', 'va', '-n', 'llm'])
  assert.equal(run.stderr, '')
  assert.equal(run.code, 0)
  const lines = run.stdout
    .trimEnd()
    .split('\n')
    .map((line) => line.split(/\s+/))
  assert.deepEqual(lines, [
    ['NAME', 'MODEL', 'ACCELERATOR', 'CURRENTREPLICAS', 'OPTIMIZED', 'METRICSREADY', 'AGE'],
    ['granite-13b-l40s', 'ibm/granite-13b', 'L40S', '2', '2', 'True', '115m'],
    ['vllme-deployment', 'default/default', 'A100', '1', '2', 'True', '120m'],
  ])
  const tableRequest = api.requests.find(
    (request) => request.path === '/apis/llmd.ai/v1alpha1/namespaces/llm/variantautoscalings',
  )
  assert.match(tableRequest?.headers.accept ?? '', /as=Table/)
})

test('kubectl get deploy -A -o json returns every fixture Deployment', async (t) => {
  const api = await startFakeApiServer(t, fixture())
  const run = await kubectl(t, api, ['get', 'deploy', '-A', '-o', 'json'])
  assert.equal(run.stderr, '')
  assert.equal(run.code, 0)
  const list = JSON.parse(run.stdout)
  assert.deepEqual(list.items, api.stored('deployments'))
  assert.deepEqual(names(list), [
    'llm/granite-13b-l40s',
    'llm/vllme-deployment',
    'workload-variant-autoscaler-system/workload-variant-autoscaler-controller-manager',
  ])
})

test('kubectl get cm -n workload-variant-autoscaler-system -o json returns the WVA ConfigMaps', async (t) => {
  const api = await startFakeApiServer(t, fixture())
  const run = await kubectl(t, api, ['get', 'cm', '-n', 'workload-variant-autoscaler-system', '-o', 'json'])
  assert.equal(run.stderr, '')
  assert.equal(run.code, 0)
  const list = JSON.parse(run.stdout)
  assert.deepEqual(list.items, api.stored('configmaps'))
  const serviceClasses = list.items.find((item: any) => item.metadata.name === 'service-classes-config')
  assert.match(serviceClasses.data['premium.yaml'], /slo-ttft: 500/)
})

test('kubectl works with legacy discovery too, and a label selector filters server-side', async (t) => {
  const api = await startFakeApiServer(t, fixture(), {aggregatedDiscovery: false})
  const run = await kubectl(t, api, [
    'get',
    'va',
    '-A',
    '-l',
    'inference.optimization/acceleratorName in (A100,H100)',
    '-o',
    'name',
  ])
  assert.equal(run.stderr, '')
  assert.equal(run.stdout, 'variantautoscaling.llmd.ai/vllme-deployment\n')
  assert.ok(
    api.requests.some((request) => request.path === '/apis/llmd.ai/v1alpha1'),
    'legacy per-group discovery was used',
  )
})

test('kubectl get of a named VA and of a missing one behave as against a real server', async (t) => {
  const api = await startFakeApiServer(t, fixture())
  const found = await kubectl(t, api, ['get', 'va', 'vllme-deployment', '-n', 'llm', '-o', 'jsonpath={.spec.modelID}'])
  assert.equal(found.stdout, 'default/default')
  const missing = await kubectl(t, api, ['get', 'va', 'nope', '-n', 'llm'])
  assert.equal(missing.code, 1)
  assert.equal(missing.stderr.trim(), 'Error from server (NotFound): variantautoscalings.llmd.ai "nope" not found')
})

test('kubectl is refused with a wrong token, forbidden where configured, and never writes', async (t) => {
  const api = await startFakeApiServer(t, fixture(), {
    forbidden: [{resource: 'configmaps', namespace: 'workload-variant-autoscaler-system'}],
  })
  const unauthorized = await kubectl(t, api, ['get', 'va', '-A'], api.writeKubeconfig({token: 'wrong-token'}))
  assert.equal(unauthorized.code, 1)
  assert.match(unauthorized.stderr, /You must be logged in to the server|Unauthorized/)
  const forbidden = await kubectl(t, api, ['get', 'cm', '-n', 'workload-variant-autoscaler-system'])
  assert.equal(forbidden.code, 1)
  assert.match(forbidden.stderr, /Error from server \(Forbidden\): configmaps is forbidden/)
  const deleted = await kubectl(t, api, ['delete', 'va', 'vllme-deployment', '-n', 'llm'])
  assert.equal(deleted.code, 1)
  assert.match(deleted.stderr, /MethodNotAllowed|not allow/)
  assert.ok(api.requests.some((request) => request.method === 'DELETE'))
  assert.ok(stored(api).length > 0)
})

test('kubectl pages through long lists with limit and continue', async (t) => {
  const api = await startFakeApiServer(t, [...clusterFixture('crd-c'), ...manyShapeCObjects(1234)])
  const run = await kubectl(t, api, ['get', 'va', '-A', '-o', 'name'])
  assert.equal(run.stderr, '')
  assert.equal(run.stdout.trimEnd().split('\n').length, 1234)
  const pages = api.requests.filter((request) => request.path === '/apis/llmd.ai/v1alpha1/variantautoscalings')
  assert.deepEqual(
    pages.map((request) => request.query.limit),
    ['500', '500', '500'],
  )
  assert.equal(pages.filter((request) => request.query.continue).length, 2)
})

function stored(api: FakeApiServer) {
  return api.stored('variantautoscalings').filter((object) => object.metadata?.name === 'vllme-deployment')
}
