import assert from 'node:assert/strict'
import {test} from 'node:test'

import {ClusterError} from '../../../../src/core/errors.js'
import {mergeKubeconfigs, type RawKubeconfig} from '../../../../src/core/read/kube/kubeconfig-parse.js'
import {resolveConnection} from '../../../../src/core/read/kube/kubeconfig.js'
import {Secrets} from '../../../../src/core/redact.js'

// Selection alone, on an in-memory merged kubeconfig: no file is written or read.

const source = '/k/config'
const base: RawKubeconfig = {
  clusters: [
    {name: 'prod', cluster: {server: 'https://prod.example:6443'}},
    {name: 'dev', cluster: {server: 'dev.example:6443'}},
    {name: 'bare', cluster: {}},
    {name: 'weird', cluster: {server: 'ftp://x'}},
    {name: 'numeric', cluster: {server: 42}},
  ],
  users: [
    {name: 'admin', user: {token: 'admin-token-0123456789'}},
    {name: 'plugin', user: {exec: {command: 'aws', provideClusterInfo: true}}},
  ],
  contexts: [
    {name: 'p', context: {cluster: 'prod', user: 'admin', namespace: 'llm'}},
    {name: 'd', context: {cluster: 'dev', user: 'plugin'}},
    {name: 'nouser', context: {cluster: 'prod', user: 'ghost'}},
  ],
  'current-context': 'p',
}
const resolve = (options: Parameters<typeof resolveConnection>[1], config: RawKubeconfig = base) =>
  resolveConnection(mergeKubeconfigs([config]), options, source)

function refused(run: () => unknown, message: string, hint: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ClusterError)
    assert.equal(error.message, message)
    assert.match(error.hint ?? '', hint)
    return true
  })
}

test('the current context gives the cluster, user and namespace; its token is a secret of the run', () => {
  const secrets = new Secrets()
  const connection = resolve({secrets})
  assert.equal(connection.server, 'https://prod.example:6443')
  assert.equal(connection.contextName, 'p')
  assert.equal(connection.clusterName, 'prod')
  assert.equal(connection.userName, 'admin')
  assert.equal(connection.namespace, 'llm')
  assert.equal(connection.source, source)
  assert.equal(connection.user?.token, 'admin-token-0123456789')
  assert.equal(secrets.redact('admin-token-0123456789'), '<redacted>')
})

test('--context, --cluster, --user and -n override; host:port without a scheme is https', () => {
  const dev = resolve({context: 'd'})
  assert.equal(dev.server, 'https://dev.example:6443')
  assert.equal(dev.cluster.server, 'https://dev.example:6443')
  assert.equal(dev.namespace, 'default')
  const execInfo = dev.user?.exec?.env.find((item) => item.name === 'KUBERNETES_EXEC_INFO')
  assert.deepEqual(JSON.parse(execInfo?.value ?? '{}'), {
    apiVersion: 'client.authentication.k8s.io/v1',
    kind: 'ExecCredential',
    spec: {interactive: false, cluster: {server: 'dev.example:6443'}},
  })
  const mixed = resolve({cluster: 'dev', user: 'admin', namespace: 'other'})
  assert.deepEqual(
    [mixed.contextName, mixed.clusterName, mixed.userName, mixed.namespace],
    ['p', 'dev', 'admin', 'other'],
  )
  const noContext = resolve({cluster: 'prod'}, {...base, 'current-context': undefined as never})
  assert.equal(noContext.contextName, 'kubectl-va')
  assert.equal(noContext.user, undefined)
})

test('each missing or broken selection is a ClusterError naming the source and the context', () => {
  refused(
    () => resolve({context: 'typo'}),
    `kubeconfig ${source}: context "typo" not found`,
    /kubectl config get-contexts/,
  )
  refused(
    () => resolve({}, {...base, 'current-context': 'gone'}),
    `kubeconfig ${source}: current context "gone" does not exist`,
    /use-context/,
  )
  refused(
    () => resolve({}, {...base, 'current-context': undefined as never}),
    `kubeconfig ${source}: no current context is set`,
    /--context NAME/,
  )
  refused(
    () => resolve({cluster: 'nope'}),
    `kubeconfig ${source}: cluster "nope" (context "p") not found`,
    /get-clusters/,
  )
  refused(
    () => resolve({cluster: 'bare'}),
    `kubeconfig ${source}: cluster "bare" (context "p") has no server`,
    /set-cluster/,
  )
  refused(
    () => resolve({cluster: 'numeric'}),
    `kubeconfig ${source}: cluster "numeric" (context "p"): server is not a string`,
    /to a URL/,
  )
  refused(
    () => resolve({cluster: 'weird'}),
    `kubeconfig ${source}: cluster "weird" (context "p"): server ftp://x is not an https:// URL`,
    /https:\/\/api\.example\.com:6443/,
  )
  refused(
    () => resolve({context: 'nouser'}),
    `kubeconfig ${source}: user "ghost" (context "nouser") not found`,
    /pass --user or --context/,
  )
  refused(
    () => resolve({user: 'ghost'}),
    `kubeconfig ${source}: user "ghost" (context "p") not found`,
    /kubectl config view/,
  )
  refused(
    () => resolve({user: 'tf'}, {...base, users: [{name: 'tf', user: {'token-file': '/nonexistent/kva/token'}}]}),
    `kubeconfig ${source}: user "tf": token-file /nonexistent/kva/token cannot be read (no such file, ENOENT)`,
    /refresh the token/,
  )
})
