import assert from 'node:assert/strict'
import {createServer} from 'node:net'
import {test, type TestContext} from 'node:test'

import {loadKubeconfig} from '../../../src/core/read/kube/kubeconfig.js'
import {readClusterSources, type ReadClusterOptions} from '../../../src/core/read/kube/read-sources.js'
import {ClusterError, InputError, KvaError} from '../../../src/core/errors.js'
import {startFakeApiServer, type FakeApiServerOptions} from '../../support/fake-api-server.js'
import {clusterFixture, manyShapeCObjects} from '../../support/kube-fixtures.js'
import {unrelatedCaCertPem} from '../../support/tls.js'
import type {KubeObject} from '../../../src/core/model/kube-object.js'

async function read(
  t: TestContext,
  objects: KubeObject[],
  options: Omit<ReadClusterOptions, 'kubeconfig'> & {namespace?: string} = {},
  server: FakeApiServerOptions = {},
) {
  const api = await startFakeApiServer(t, objects, server)
  const {namespace = 'llm', ...rest} = options
  const sources = await readClusterSources({
    kubeconfig: {kubeconfig: api.writeKubeconfig(), namespace, env: {}},
    ...rest,
  })
  return {api, sources}
}

function names(objects: readonly KubeObject[] | undefined): string[] {
  return (objects ?? []).map((object) => `${object.metadata?.namespace}/${object.metadata?.name}`).sort()
}

test('shape A v0.0.4: VAs, their Deployments, the CRD, controller and its ConfigMaps are read', async (t) => {
  const {api, sources} = await read(t, clusterFixture('crd-a-v0.0.4', 'shape-a-v0.0.4', 'controller-v0.0.4'))
  assert.deepEqual(names(sources.variantAutoscalings), ['llm/granite-13b-l40s', 'llm/vllme-deployment'])
  assert.deepEqual(sources.variantAutoscalings, api.stored('variantautoscalings'))
  assert.deepEqual(names(sources.deployments), ['llm/granite-13b-l40s', 'llm/vllme-deployment'])
  assert.deepEqual(sources.crdShape, {shape: 'A', release: 'v0.0.2-v0.0.4', hasReplicaBounds: false})
  assert.equal(sources.controllerDeployment?.metadata?.name, 'workload-variant-autoscaler-controller-manager')
  assert.equal(sources.controllerNamespace, 'workload-variant-autoscaler-system')
  assert.deepEqual(sources.configMaps.map((cm) => cm.metadata?.name).sort(), [
    'accelerator-unit-costs',
    'service-classes-config',
    'workload-variant-autoscaler-variantautoscaling-config',
  ])
  assert.equal(sources.controllerEnv.scaleToZero, 'false')
  assert.deepEqual(sources.warnings, [])
  assert.equal((sources.variantAutoscalings[1]?.status as any)?.currentAlloc?.load?.arrivalRate, '120.00')
  assert.deepEqual(
    api.requests.filter((request) => request.method !== 'GET'),
    [],
  )
})

test('shape A v0.4.2: hybrid flag and scale-to-zero come from the controller env via the main ConfigMap', async (t) => {
  const {sources} = await read(t, clusterFixture('crd-a-v0.4.2', 'shape-a-v0.4.2', 'controller-v0.4.2'))
  assert.deepEqual(sources.crdShape, {shape: 'A', release: 'v0.4.x', hasReplicaBounds: false})
  assert.equal(sources.controllerEnv.podNamespace, 'workload-variant-autoscaler-system')
  assert.equal(sources.controllerEnv.hybridOptimization, 'off')
  assert.equal(sources.controllerEnv.scaleToZero, 'false')
  assert.ok(sources.configMaps.some((cm) => cm.metadata?.name === 'capacity-scaling-config'))
  assert.deepEqual(names(sources.variantAutoscalings), ['llm/llama-3-1-8b-decode'])
})

test('shapes B0 and B1 are told apart by the CRD schema', async (t) => {
  const b0 = await read(t, clusterFixture('crd-b0', 'shape-b0', 'controller-v0.0.4'))
  assert.deepEqual(b0.sources.crdShape, {shape: 'B0', hasReplicaBounds: false})
  const b1 = await read(t, clusterFixture('crd-b1', 'shape-b1', 'controller-v0.0.4'))
  assert.deepEqual(b1.sources.crdShape, {shape: 'B1', hasReplicaBounds: true})
  assert.equal((b1.sources.variantAutoscalings[0]?.spec as any)?.maxReplicas, 4)
})

test('shape C: controller outside the default namespace, with env-named and namespace-local ConfigMaps', async (t) => {
  const {sources} = await read(t, clusterFixture('crd-c', 'shape-c', 'controller-v0.5.1'), {includePods: true})
  assert.deepEqual(sources.crdShape, {shape: 'C', hasReplicaBounds: false})
  assert.equal(sources.controllerNamespace, 'wva-system')
  assert.equal(sources.controllerEnv.configMapName, 'workload-variant-autoscaler-wva-variantautoscaling-config')
  assert.equal(sources.controllerEnv.scaleToZero, 'true')
  assert.deepEqual(names(sources.configMaps), [
    'llm/workload-variant-autoscaler-saturation-scaling-config',
    'wva-system/workload-variant-autoscaler-saturation-scaling-config',
    'wva-system/workload-variant-autoscaler-wva-variantautoscaling-config',
    'wva-system/wva-model-scale-to-zero-config',
  ])
  assert.deepEqual(names(sources.deployments), ['llm/qwen3-0-6b-decode'])
  assert.equal(sources.pods?.length, 2)
  assert.equal(sources.replicaSets?.length, 1)
  assert.match(sources.warnings.join('\n'), /^$/)
})

test('-A reads VAs and Deployments cluster-wide and picks WVA over other kubebuilder controllers', async (t) => {
  const {api, sources} = await read(t, clusterFixture('crd-c', 'shape-c', 'controller-v0.5.1'), {allNamespaces: true})
  assert.equal(sources.namespace, undefined)
  assert.equal(sources.controllerDeployment?.metadata?.namespace, 'wva-system')
  assert.ok(api.requests.some((request) => request.path === '/apis/llmd.ai/v1alpha1/variantautoscalings'))
  assert.ok(api.requests.some((request) => request.path === '/apis/apps/v1/deployments'))
})

test('a named VA is read with one GET; a missing one is an InputError naming it and the namespace', async (t) => {
  const objects = clusterFixture('crd-c', 'shape-c', 'controller-v0.5.1')
  const {sources} = await read(t, objects, {names: ['qwen3-va']})
  assert.deepEqual(names(sources.variantAutoscalings), ['llm/qwen3-va'])
  await assert.rejects(read(t, objects, {names: ['nope']}), (error: unknown) => {
    assert.ok(error instanceof InputError)
    assert.equal(error.message, 'namespace "llm": variantautoscalings.llmd.ai "nope" not found')
    return true
  })
  const other = /namespace "llm": variantautoscalings.llmd.ai "other" not found/
  await assert.rejects(read(t, objects, {names: ['qwen3-va', 'other']}), other)
})

test('a label selector is passed to the server', async (t) => {
  const {api, sources} = await read(t, clusterFixture('crd-a-v0.0.4', 'shape-a-v0.0.4', 'controller-v0.0.4'), {
    labelSelector: 'inference.optimization/acceleratorName=L40S',
  })
  assert.deepEqual(names(sources.variantAutoscalings), ['llm/granite-13b-l40s'])
  assert.ok(
    api.requests.some((request) => request.query.labelSelector === 'inference.optimization/acceleratorName=L40S'),
  )
})

test('403 on ConfigMaps and on the CRD are warnings, and the shape falls back to per-object detection', async (t) => {
  const {sources} = await read(
    t,
    clusterFixture('crd-a-v0.0.4', 'shape-a-v0.0.4', 'controller-v0.0.4'),
    {},
    {forbidden: ['configmaps', 'customresourcedefinitions']},
  )
  assert.equal(sources.variantAutoscalings.length, 2)
  assert.deepEqual(sources.configMaps, [])
  assert.equal(sources.crd, undefined)
  assert.equal(sources.crdShape, undefined)
  assert.deepEqual(sources.warnings, [
    'cannot read CustomResourceDefinition variantautoscalings.llmd.ai (403 Forbidden); detecting the VA ' +
      'shape from each object instead',
    'cannot list configmaps in namespace "workload-variant-autoscaler-system" (403 Forbidden): the ' +
      'controller configuration is unknown; grant "list configmaps" there',
  ])
})

test('a missing controller is a warning and the default namespace is assumed', async (t) => {
  const objects = clusterFixture('crd-c', 'shape-c')
  const {sources} = await read(t, objects)
  assert.equal(sources.controllerDeployment, undefined)
  assert.equal(sources.controllerNamespace, 'workload-variant-autoscaler-system')
  assert.match(sources.warnings[0] ?? '', /WVA controller Deployment not found/)
})

test('the VA CRD not installed is a ClusterError asking whether WVA is installed', async (t) => {
  await assert.rejects(
    read(
      t,
      clusterFixture('shape-c').filter((o) => o.kind !== 'VariantAutoscaling'),
    ),
    (error: unknown) => {
      assert.ok(error instanceof ClusterError)
      assert.match(error.message, /the VariantAutoscaling CRD is not installed/)
      assert.match(error.hint ?? '', /is WVA installed\?/)
      return true
    },
  )
})

test('a 404 without Status details: a missing VA or a missing CRD, from the CRD and discovery read', async (t) => {
  const objects = clusterFixture('crd-c', 'shape-c')
  const notFound = /^namespace "team-a": variantautoscalings\.llmd\.ai "nope" not found$/
  const options = {names: ['nope'], namespace: 'team-a'}
  const isNotFound = (error: unknown) => error instanceof InputError && notFound.test(error.message)
  await assert.rejects(read(t, objects, options, {stripStatusDetails: true}), isNotFound)
  const forbidden = {stripStatusDetails: true, forbidden: ['customresourcedefinitions']}
  await assert.rejects(read(t, objects, options, forbidden), isNotFound)
  const noCrd = objects.filter((o) => o.kind !== 'VariantAutoscaling' && o.kind !== 'CustomResourceDefinition')
  await assert.rejects(read(t, noCrd, options, {stripStatusDetails: true}), (error: unknown) => {
    assert.ok(error instanceof ClusterError)
    assert.match(error.message, /the VariantAutoscaling CRD is not installed/)
    return true
  })
  await assert.rejects(read(t, noCrd, options, forbidden), /CRD is not installed/)
})

test('a wrong token is a ClusterError saying the credentials were rejected, without the token', async (t) => {
  const api = await startFakeApiServer(t, clusterFixture('crd-c', 'shape-c'))
  const token = 'sha256~WrongTokenThatMustNeverBePrinted0123456789'
  await assert.rejects(
    readClusterSources({kubeconfig: {kubeconfig: api.writeKubeconfig({token}), env: {}}}),
    (error: unknown) => {
      assert.ok(error instanceof ClusterError)
      assert.match(error.message, /: the credentials of user "fake-user" were rejected \(401 Unauthorized\)/)
      assert.match(error.hint ?? '', /refresh your token/)
      assertNoSecret(error, token)
      return true
    },
  )
})

test('an unreachable API server is a ClusterError naming the server', async (t) => {
  const api = await startFakeApiServer(t, [])
  const port = await closedPort()
  await assert.rejects(
    readClusterSources({kubeconfig: {kubeconfig: api.writeKubeconfig({server: `https://127.0.0.1:${port}`}), env: {}}}),
    (error: unknown) => {
      assert.ok(error instanceof ClusterError)
      assert.equal(error.message, `cannot reach the API server https://127.0.0.1:${port}: connection refused`)
      assert.match(error.hint ?? '', /clusters\[\]\.cluster\.server/)
      assertNoSecret(error, api.token)
      return true
    },
  )
})

test('an untrusted server certificate is a TLS ClusterError', async (t) => {
  const api = await startFakeApiServer(t, [])
  await assert.rejects(
    readClusterSources({kubeconfig: {kubeconfig: api.writeKubeconfig({caCertPem: unrelatedCaCertPem()}), env: {}}}),
    (error: unknown) => {
      assert.ok(error instanceof ClusterError)
      assert.match(error.message, /^API server https:\/\/127\.0\.0\.1:\d+: TLS verification failed \(/)
      assertNoSecret(error, api.token)
      return true
    },
  )
})

test('a slow server hits --request-timeout as a ClusterError', async (t) => {
  const api = await startFakeApiServer(t, clusterFixture('crd-c', 'shape-c'), {delayMs: 2000})
  await assert.rejects(
    readClusterSources({kubeconfig: {kubeconfig: api.writeKubeconfig(), env: {}}, requestTimeoutMs: 200}),
    (error: unknown) => {
      assert.ok(error instanceof ClusterError)
      assert.match(error.message, /: no answer within 200ms$/)
      return true
    },
  )
})

test('the number of requests does not grow with the number of VAs, and all are GETs', async (t) => {
  const counts: number[] = []
  for (const count of [5, 500]) {
    for (const allNamespaces of [false, true]) {
      const {api, sources} = await read(
        t,
        [...clusterFixture('crd-c', 'controller-v0.5.1'), ...manyShapeCObjects(count)],
        {allNamespaces, includePods: true},
      )
      assert.equal(sources.variantAutoscalings.length, count)
      assert.equal(sources.deployments.length, count)
      assert.deepEqual(
        api.requests.filter((request) => request.method !== 'GET'),
        [],
      )
      assert.equal(sources.requestCount, api.requests.length)
      counts.push(api.requests.length)
    }
  }
  assert.deepEqual(counts.slice(0, 2), counts.slice(2, 4))
  assert.ok(Math.max(...counts) <= 9, `at most 9 requests, got ${counts.join(', ')}`)
})

test('the connection namespace is used unless -A', async (t) => {
  const api = await startFakeApiServer(t, clusterFixture('crd-c', 'shape-c', 'controller-v0.5.1'))
  const connection = await loadKubeconfig({kubeconfig: api.writeKubeconfig({namespace: 'llm'}), env: {}})
  const sources = await readClusterSources({connection})
  assert.equal(sources.namespace, 'llm')
  assert.equal(sources.variantAutoscalings.length, 1)
})

test('a plain-HTTP server such as kubectl proxy is reachable', async (t) => {
  const {createServer: createHttpServer} = await import('node:http')
  const paths: string[] = []
  const server = createHttpServer((request, response) => {
    paths.push(request.url ?? '')
    response.writeHead(404, {'Content-Type': 'application/json'}).end(
      JSON.stringify({
        kind: 'Status',
        code: 404,
        reason: 'NotFound',
        message: 'the server could not find the requested resource',
      }),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const api = await startFakeApiServer(t, [])
  const kubeconfig = api.writeKubeconfig({server: `http://127.0.0.1:${(server.address() as {port: number}).port}`})
  await assert.rejects(
    readClusterSources({kubeconfig: {kubeconfig, env: {}}}),
    /the VariantAutoscaling CRD is not installed/,
  )
  assert.ok(paths.includes('/apis/llmd.ai/v1alpha1/namespaces/default/variantautoscalings'))
})

function assertNoSecret(error: unknown, secret: string): void {
  assert.ok(error instanceof KvaError)
  for (const text of [error.message, error.hint ?? '', error.stack ?? ''])
    assert.ok(!text.includes(secret), `secret leaked into: ${text}`)
}

async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as {port: number}).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
