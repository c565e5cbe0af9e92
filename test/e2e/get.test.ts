import assert from 'node:assert/strict'
import {test} from 'node:test'

import {startFakeApiServer} from '../support/fake-api-server.js'
import {clusterFixture} from '../support/kube-fixtures.js'
import {cleanEnv, kubectlVa} from '../support/run-cli.js'
import {joinRegExp} from '../support/regexp.js'

const fixture = () => clusterFixture('crd-a-v0.0.4', 'shape-a-v0.0.4', 'controller-v0.0.4')

test('kubectl va get lists VAs with live replicas, the controller decision and ours, and only reads', async (t) => {
  const api = await startFakeApiServer(t, fixture())
  const env = cleanEnv({KUBECONFIG: api.writeKubeconfig({namespace: 'llm'})})
  const run = await kubectlVa(['get', '--no-metrics'], {env})
  assert.equal(run.stderr, '')
  assert.equal(run.code, 0)
  const lines = run.stdout.trimEnd().split('\n')
  assert.match(lines[0]!, joinRegExp([/^NAME\s+RPM\s+TTFT\(MS\)\s+ITL\(MS\)/, /\s+CURRENT\s+CONTROLLER\s+RECOMPUTED$/]))
  assert.deepEqual(
    lines.slice(1).map((line) => line.split(/\s+/)[0]),
    ['granite-13b-l40s', 'vllme-deployment'],
  )
  assert.deepEqual(
    api.requests.filter((request) => request.method !== 'GET'),
    [],
  )
})

test('get -A shows the NAMESPACE column and -o json has the documented fields', async (t) => {
  const api = await startFakeApiServer(t, fixture())
  const env = cleanEnv({KUBECONFIG: api.writeKubeconfig({namespace: 'default'})})
  const table = await kubectlVa(['get', '-A', '--no-metrics'], {env})
  assert.equal(table.code, 0, table.stderr)
  assert.match(table.stdout, /^NAMESPACE\s+NAME\s+RPM\s/)
  const json = await kubectlVa(['get', '-A', '--no-metrics', '-o', 'json'], {env})
  const list = JSON.parse(json.stdout)
  assert.equal(list.kind, 'VariantAutoscalingReportList')
  assert.deepEqual(Object.keys(list.items[0]), [
    'namespace',
    'name',
    'shape',
    'engine',
    'modelID',
    'accelerator',
    'variantID',
    'creationTimestamp',
    'target',
    'replicas',
    'slo',
    'cost',
    'profile',
    'controller',
    'metrics',
    'recomputed',
    'reason',
    'problems',
  ])
  assert.deepEqual(
    api.requests.filter((request) => request.method !== 'GET'),
    [],
  )
})

test('get of a VA that does not exist is exit code 3 with kubectl wording', async (t) => {
  const api = await startFakeApiServer(t, fixture())
  const env = cleanEnv({KUBECONFIG: api.writeKubeconfig({namespace: 'llm'})})
  const run = await kubectlVa(['get', 'nope', '--no-metrics'], {env})
  assert.equal(run.code, 3)
  assert.match(run.stderr, /^error: namespace "llm": variantautoscalings\.llmd\.ai "nope" not found; /)
})

test('an empty namespace says so on stderr and exits 0', async (t) => {
  const api = await startFakeApiServer(t, fixture())
  const env = cleanEnv({KUBECONFIG: api.writeKubeconfig({namespace: 'empty'})})
  const run = await kubectlVa(['get', '--no-metrics'], {env})
  assert.equal(run.code, 0)
  assert.equal(run.stdout, '')
  assert.equal(run.stderr, 'No resources found in empty namespace.\n')
})

test('a wrong token is a cluster error (exit 4) that never prints the token', async (t) => {
  const api = await startFakeApiServer(t, fixture())
  const env = cleanEnv({KUBECONFIG: api.writeKubeconfig({namespace: 'llm', token: 'wrong-token-abcdef123456'})})
  const run = await kubectlVa(['get', '--no-metrics', '--verbose'], {env})
  assert.equal(run.code, 4)
  assert.match(run.stderr, /^error: .*401/)
  assert.doesNotMatch(run.stdout + run.stderr, /wrong-token-abcdef123456/)
})

test('cluster faults: unknown context, unreachable server and forbidden ConfigMaps', async (t) => {
  const api = await startFakeApiServer(t, fixture(), {forbidden: [{resource: 'configmaps'}]})
  const kubeconfig = api.writeKubeconfig({namespace: 'llm'})
  const unknownContext = await kubectlVa(['get', '--no-metrics', '--context', 'nope'], {
    env: cleanEnv({KUBECONFIG: kubeconfig}),
  })
  assert.equal(unknownContext.code, 4)
  assert.match(unknownContext.stderr, /^error: .*context "nope"/)

  const unreachable = await kubectlVa(['get', '--no-metrics'], {
    env: cleanEnv({KUBECONFIG: api.writeKubeconfig({namespace: 'llm', server: 'https://127.0.0.1:9'})}),
  })
  assert.equal(unreachable.code, 4)
  assert.match(unreachable.stderr, /^error: cannot reach the API server https:\/\/127\.0\.0\.1:9/)

  const forbidden = await kubectlVa(['get', '--no-metrics'], {env: cleanEnv({KUBECONFIG: kubeconfig})})
  assert.equal(forbidden.code, 0, forbidden.stderr)
  assert.match(forbidden.stderr, /^warning: .*configmaps.*forbidden/im)
  assert.match(forbidden.stdout, /^vllme-deployment\s/m)
})

test('a VA with wrong field types keeps its row, shows <error>, and exits 6', async (t) => {
  const objects = fixture().map((object) =>
    object.kind === 'VariantAutoscaling' && object.metadata?.name === 'granite-13b-l40s'
      ? {...object, spec: {...(object.spec as object), modelProfile: {accelerators: 'L40S'}}}
      : object,
  )
  const api = await startFakeApiServer(t, objects)
  const run = await kubectlVa(['get', '--no-metrics'], {
    env: cleanEnv({KUBECONFIG: api.writeKubeconfig({namespace: 'llm'})}),
  })
  assert.equal(run.code, 6)
  assert.match(run.stdout, /^granite-13b-l40s\s.*<error>\s/m)
  assert.match(run.stdout, /^vllme-deployment\s/m)
  assert.match(run.stderr, /^error: variantautoscaling llm\/granite-13b-l40s: spec\.modelProfile\.accelerators: /m)
})
