import assert from 'node:assert/strict'
import {test} from 'node:test'

import {findPrometheusServices} from '../../../../src/core/read/kube/prometheus-services.js'
import type {KubeReader, KubeResponse} from '../../../../src/core/read/kube/kube-client.js'
import {ClusterError, PrometheusError} from '../../../../src/core/errors.js'

/** A KubeReader (the interface, not HTTP) whose answers are given per path and selector. */
function reader(
  answer: (path: string, query: Record<string, string | undefined>) => Promise<KubeResponse>,
): KubeReader {
  return {server: 'https://api', requestCount: 0, get: (path, query = {}) => answer(path, query)}
}

const forbidden: KubeResponse = {kind: 'error', code: 403, status: {code: 403, message: 'forbidden'}}
const operated: KubeResponse = {
  kind: 'ok',
  body: {
    items: [
      {metadata: {name: 'prometheus-operated', namespace: 'monitoring'}, spec: {ports: [{name: 'web', port: 9090}]}},
    ],
  },
}

test('error answers (403, 404) mean "not found here"', async () => {
  assert.deepEqual(await findPrometheusServices(reader(async () => forbidden)), [])
})

test('a probe that fails is not "no Service": the lookup fails with its cause', async () => {
  const timeout = new ClusterError('API server https://api: no answer within 1s', {hint: 'raise --request-timeout'})
  const failing = reader(async (path) => {
    if (path === '/api/v1/services') throw timeout
    return forbidden
  })
  await assert.rejects(findPrometheusServices(failing), (error: unknown) => {
    assert.ok(error instanceof PrometheusError)
    assert.equal(
      error.message,
      'no Prometheus URL found: the lookup of Prometheus Services failed: API server https://api: no answer within 1s',
    )
    assert.equal(error.cause, timeout)
    return true
  })
})

test('a Service found by one probe is used even when another probe failed', async () => {
  const partly = reader(async (_path, query) => {
    if (query.fieldSelector === 'metadata.name=prometheus-operated') return operated
    throw new ClusterError('API server https://api: no answer within 1s')
  })
  assert.deepEqual(await findPrometheusServices(partly), [
    {namespace: 'monitoring', name: 'prometheus-operated', ports: [{name: 'web', port: 9090}]},
  ])
})
