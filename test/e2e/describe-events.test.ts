import assert from 'node:assert/strict'
import {test} from 'node:test'

import type {KubeObject} from '../../src/core/model/kube-object.js'
import {startFakeApiServer} from '../support/fake-api-server.js'
import {quickstartObjects} from '../support/quickstart-live.js'
import {cleanEnv, kubectlVa} from '../support/run-cli.js'

// describe ends with the last Events of the VA, its target Deployment and its scaler, as `kubectl describe` ends
// with the object's Events: read with one GET per namespace, never written.

const ago = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z')

function event(name: string, fields: Record<string, unknown>): KubeObject {
  return {apiVersion: 'v1', kind: 'Event', metadata: {name, namespace: 'llm'}, ...fields}
}

const events: KubeObject[] = [
  event('va.1', {
    involvedObject: {kind: 'VariantAutoscaling', name: 'llama-8b-h100', namespace: 'llm'},
    type: 'Normal',
    reason: 'OptimizationSucceeded',
    message: 'desired replicas 3 on H100',
    source: {component: 'workload-variant-autoscaler'},
    lastTimestamp: ago(330),
    count: 1,
  }),
  event('deploy.1', {
    involvedObject: {kind: 'Deployment', name: 'llama-8b-h100', namespace: 'llm'},
    type: 'Normal',
    reason: 'ScalingReplicaSet',
    message: 'Scaled up replica set llama-8b-h100-7d9 from 2 to 3',
    source: {component: 'deployment-controller'},
    lastTimestamp: ago(150),
    count: 2,
  }),
  event('hpa.1', {
    involvedObject: {kind: 'HorizontalPodAutoscaler', name: 'llama-8b-h100', namespace: 'llm'},
    type: 'Warning',
    reason: 'FailedGetExternalMetric',
    message: 'unable to get external metric wva_desired_replicas',
    reportingController: 'horizontal-pod-autoscaler',
    eventTime: ago(90),
  }),
  // Not about llama-8b-h100: another Deployment's.
  event('deploy.2', {
    involvedObject: {kind: 'Deployment', name: 'granite-13b-l40s', namespace: 'llm'},
    type: 'Normal',
    reason: 'ScalingReplicaSet',
    message: 'Scaled down replica set granite-13b-l40s-5c4 from 2 to 1',
    source: {component: 'deployment-controller'},
    lastTimestamp: ago(60),
  }),
]

test('describe shows the last Events of the VA, its Deployment and its scaler; GET only', async (t) => {
  const api = await startFakeApiServer(t, [...quickstartObjects(), ...events])
  const env = cleanEnv({KUBECONFIG: api.writeKubeconfig({namespace: 'llm'})})
  const run = await kubectlVa(['describe', 'llama-8b-h100', '--no-metrics'], {env})
  assert.equal(run.code, 0, run.stderr)
  const block = run.stdout.slice(run.stdout.indexOf('Events:')).trimEnd().split('\n')
  assert.equal(block[0], 'Events:')
  // Columns are separated by two spaces or more; the ages depend on the clock and are only checked for their form.
  const rows = block.slice(1).map((line) => line.trim().split(/ {2,}/))
  assert.deepEqual(
    rows.map((cells) => cells.filter((_, index) => index !== 2)),
    [
      ['Type', 'Reason', 'Object', 'From', 'Message'],
      ['----', '------', '------', '----', '-------'],
      [
        'Normal',
        'OptimizationSucceeded',
        'VariantAutoscaling/llama-8b-h100',
        'workload-variant-autoscaler',
        'desired replicas 3 on H100',
      ],
      [
        'Normal',
        'ScalingReplicaSet',
        'Deployment/llama-8b-h100',
        'deployment-controller',
        'Scaled up replica set llama-8b-h100-7d9 from 2 to 3',
      ],
      [
        'Warning',
        'FailedGetExternalMetric',
        'HorizontalPodAutoscaler/llama-8b-h100',
        'horizontal-pod-autoscaler',
        'unable to get external metric wva_desired_replicas',
      ],
    ],
  )
  assert.deepEqual(
    rows.slice(2).map((cells) => /^\d+m\d*s?( \(x2\))?$|^\d+s$/.test(cells[2]!)),
    [true, true, true],
  )
  assert.match(rows[3]![2]!, / \(x2\)$/, 'a repeated event shows its count')
  const granite = await kubectlVa(['describe', 'granite-13b-l40s', '--no-metrics', '-o', 'json'], {env})
  const item = JSON.parse(granite.stdout).items[0]
  assert.deepEqual(
    item.events.map((e: {reason: string; object: string}) => [e.reason, e.object]),
    [['ScalingReplicaSet', 'Deployment/granite-13b-l40s']],
  )
  assert.deepEqual(
    api.requests.filter((request) => request.method !== 'GET'),
    [],
  )
  assert.ok(api.requests.some((request) => request.path === '/api/v1/namespaces/llm/events'))
})

test('describe without permission to list Events says so once and shows the rest (exit 0)', async (t) => {
  const api = await startFakeApiServer(t, quickstartObjects(), {forbidden: ['events']})
  const env = cleanEnv({KUBECONFIG: api.writeKubeconfig({namespace: 'llm'})})
  const run = await kubectlVa(['describe', 'llama-8b-h100', '--no-metrics'], {env})
  assert.equal(run.code, 0, run.stderr)
  assert.match(run.stderr, /^warning: events in namespace llm: forbidden, so describe shows none; grant "list events"/m)
  assert.doesNotMatch(run.stdout, /^Events:/m)
  assert.match(run.stdout, /^Name:\s+llama-8b-h100$/m)
})

test('describe offline (-f) has no Events section: there is no cluster to ask', async () => {
  const run = await kubectlVa(['describe', 'llama-8b-h100', '-f', 'examples/quickstart.yaml'])
  assert.equal(run.code, 0, run.stderr)
  assert.doesNotMatch(run.stdout, /^Events:/m)
})
