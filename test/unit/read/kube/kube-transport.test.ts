import assert from 'node:assert/strict'
import {chmodSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {test, type TestContext} from 'node:test'

import {Agent, ProxyAgent} from 'undici'

import {
  credentials,
  kubeDispatcher,
  kubeTransport,
  needsClientNode,
} from '../../../../src/core/read/kube/kube-transport.js'
import type {KubeconfigCluster, KubeconfigUser} from '../../../../src/core/read/kube/kubeconfig-parse.js'
import type {ClusterConnection} from '../../../../src/core/read/kube/kubeconfig.js'
import {ClusterError} from '../../../../src/core/errors.js'
import {redactSecrets, Secrets} from '../../../../src/core/redact.js'

/** What one command run carries: its secrets and exec-credential cache. */
const run = () => ({secrets: new Secrets(), execCredentials: new Map(), clientNode: {}})
import {testPki} from '../../../support/tls.js'

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'kva-transport-test-'))
  t.after(() => rmSync(dir, {recursive: true, force: true}))
  return dir
}

function connection(cluster: Partial<KubeconfigCluster>, user: KubeconfigUser | undefined): ClusterConnection {
  const server = cluster.server ?? 'https://c.example:6443'
  const names = {
    contextName: 'x',
    clusterName: 'c',
    userName: user ? 'u' : undefined,
    namespace: 'default',
    source: '/kubeconfig',
  }
  return {
    server,
    cluster: {server, ...cluster},
    user,
    ...names,
    secrets: new Secrets(),
    execCredentials: new Map(),
    clientNode: {},
  }
}

function tokenPlugin(dir: string, token: string): string {
  const command = join(dir, `plugin-${token}.sh`)
  writeFileSync(
    command,
    `#!/bin/sh\necho ` +
      `'{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"${token}"}}'\n`,
  )
  chmodSync(command, 0o755)
  return command
}

const b64 = (text: string) => Buffer.from(text).toString('base64')
const exec = (command: string) => ({command, env: [{name: 'KUBERNETES_EXEC_INFO', value: '{}'}]})

test('a static token wins over an exec token, which wins over basic auth, as with client-node', async (t) => {
  const dir = tempDir(t)
  const cluster = {server: 'https://c:6443'}
  const basic = {username: 'admin', password: 'pa55word-xyz'}
  assert.deepEqual((await credentials(cluster, basic, run())).headers, {
    Authorization: `Basic ${b64('admin:pa55word-xyz')}`,
  })
  const withExec = {...basic, exec: exec(tokenPlugin(dir, 'exec-token-0001'))}
  assert.deepEqual((await credentials(cluster, withExec, run())).headers, {Authorization: 'Bearer exec-token-0001'})
  assert.deepEqual((await credentials(cluster, {...withExec, token: 'static-token-0001', as: 'jane'}, run())).headers, {
    Authorization: 'Bearer static-token-0001',
    'Impersonate-User': 'jane',
  })
  assert.deepEqual((await credentials(cluster, {username: 'nopass'}, run())).headers, {
    Authorization: `Basic ${b64('nopass:')}`,
  })
  assert.deepEqual(await credentials(cluster, undefined, run()), {headers: {}, tls: {}})
})

test('CA, client cert and key: files before data; skip-verify and tls-server-name set the TLS options', async (t) => {
  const dir = tempDir(t)
  writeFileSync(join(dir, 'ca.crt'), 'CA FROM FILE')
  writeFileSync(join(dir, 'client.crt'), 'CERT FROM FILE')
  writeFileSync(join(dir, 'client.key'), 'KEY FROM FILE')
  const cluster: KubeconfigCluster = {
    server: 'https://c:6443',
    'certificate-authority': join(dir, 'ca.crt'),
    'certificate-authority-data': b64('CA FROM DATA'),
    'insecure-skip-tls-verify': true,
    'tls-server-name': 'api.internal',
  }
  const fromFiles = await credentials(
    cluster,
    {
      'client-certificate': join(dir, 'client.crt'),
      'client-certificate-data': b64('CERT DATA'),
      'client-key': join(dir, 'client.key'),
    },
    run(),
  )
  assert.deepEqual(
    Object.fromEntries(
      Object.entries(fromFiles.tls).map(([key, value]) => [key, Buffer.isBuffer(value) ? value.toString() : value]),
    ),
    {
      rejectUnauthorized: false,
      servername: 'api.internal',
      ca: 'CA FROM FILE',
      cert: 'CERT FROM FILE',
      key: 'KEY FROM FILE',
    },
  )
  const fromData = await credentials(
    {server: 'https://c:6443', 'certificate-authority-data': b64('CA FROM DATA')},
    {'client-certificate-data': b64('CERT DATA'), 'client-key-data': b64('KEY DATA')},
    run(),
  )
  assert.deepEqual(
    [
      fromData.tls.ca?.toString(),
      fromData.tls.cert?.toString(),
      fromData.tls.key?.toString(),
      fromData.tls.rejectUnauthorized,
    ],
    ['CA FROM DATA', 'CERT DATA', 'KEY DATA', undefined],
  )
  const noUser = await credentials(
    {server: 'https://c:6443', 'certificate-authority-data': b64('CA FROM DATA')},
    undefined,
    run(),
  )
  assert.equal(noUser.tls.ca?.toString(), 'CA FROM DATA', 'the cluster CA applies without a user too, as in kubectl')
})

test('a plain http:// server gets no TLS options and no dispatcher, but keeps its headers', async () => {
  const cluster = {server: 'http://127.0.0.1:8001', 'certificate-authority-data': b64('CA')}
  const {headers, tls} = await credentials(cluster, {token: 'proxy-token-0001', 'client-key-data': b64('KEY')}, run())
  assert.deepEqual(tls, {})
  assert.deepEqual(headers, {Authorization: 'Bearer proxy-token-0001'})
  assert.equal(await kubeDispatcher(cluster, tls), undefined)
})

test('dispatcher: an Agent with the TLS options, a ProxyAgent for proxy-url, none without TLS settings', async (t) => {
  assert.equal(await kubeDispatcher({server: 'https://c:6443'}, {}), undefined)
  const agent = await kubeDispatcher({server: 'https://c:6443'}, {ca: Buffer.from('CA'), rejectUnauthorized: false})
  assert.ok(agent instanceof Agent)
  t.after(() => agent.close())
  const proxied = await kubeDispatcher({server: 'https://c:6443', 'proxy-url': 'http://proxy.example:3128'}, {})
  assert.ok(proxied instanceof ProxyAgent)
  t.after(() => proxied.close())
})

test('kubeTransport returns a new dispatcher each time: the Prometheus client closes the one it gets', async (t) => {
  const target = connection({'certificate-authority-data': b64(testPki().caCertPem)}, {token: 'some-token-0001'})
  const first = await kubeTransport(target)
  const second = await kubeTransport(target)
  t.after(() => Promise.all([first.dispatcher?.close(), second.dispatcher?.close()]))
  assert.ok(first.dispatcher instanceof Agent)
  assert.notEqual(first.dispatcher, second.dispatcher)
  assert.deepEqual(first.headers, {Authorization: 'Bearer some-token-0001'})
})

test('only auth-provider users and SOCKS proxies need client-node', () => {
  assert.equal(needsClientNode({server: 'https://c'}, {token: 't'}), false)
  assert.equal(needsClientNode({server: 'https://c', 'proxy-url': 'http://p:3128'}, undefined), false)
  assert.equal(needsClientNode({server: 'https://c', 'proxy-url': 'socks5://p:1080'}, undefined), true)
  assert.equal(needsClientNode({server: 'https://c'}, {'auth-provider': {name: 'oidc'}}), true)
})

test('an auth-provider user still authenticates through client-node', async (t) => {
  const dir = tempDir(t)
  // client-node's ExecAuth serves an auth-provider whose config holds an exec section.
  const user = {'auth-provider': {name: 'custom', config: {exec: {command: tokenPlugin(dir, 'provider-token-0001')}}}}
  const target = connection({}, user)
  const {headers, dispatcher} = await kubeTransport(target)
  assert.equal(dispatcher, undefined)
  assert.equal(headers.Authorization, 'Bearer provider-token-0001')
  assert.equal(target.secrets.redact('x provider-token-0001'), 'x <redacted>', "added to the connection's secrets")
  assert.equal(redactSecrets('x provider-token-0001'), 'x provider-token-0001', 'and nowhere else')
})

test('a missing CA file of an exec user is reported as the file, not as a missing plugin', async (t) => {
  const dir = tempDir(t)
  const target = connection(
    {'certificate-authority': join(dir, 'missing-ca.crt')},
    {exec: {...exec(tokenPlugin(dir, 'unused-token-0001')), installHint: 'install it'}},
  )
  await assert.rejects(kubeTransport(target), (error: unknown) => {
    assert.ok(error instanceof ClusterError)
    assert.match(error.message, /^user "u": cannot read .*missing-ca\.crt \(no such file, ENOENT\)$/)
    assert.equal(error.hint, 'check the certificate and key paths of the user in the kubeconfig')
    return true
  })
})

test('a missing exec plugin names it with the install hint; bad output is not quoted', async (t) => {
  const dir = tempDir(t)
  const missing = join(dir, 'no-such-plugin')
  await assert.rejects(
    kubeTransport(
      connection({}, {exec: {...exec(missing), installHint: 'install it with: brew install thing\nsecond line'}}),
    ),
    (error: unknown) => {
      assert.ok(error instanceof ClusterError)
      assert.equal(error.message, `user "u": exec credential plugin "${missing}" was not found`)
      assert.equal(error.hint, 'install it with: brew install thing')
      return true
    },
  )
  const noisy = join(dir, 'noisy.sh')
  writeFileSync(noisy, '#!/bin/sh\necho "token: leaked-secret-value"\n')
  chmodSync(noisy, 0o755)
  await assert.rejects(kubeTransport(connection({}, {exec: exec(noisy)})), (error: unknown) => {
    assert.ok(error instanceof ClusterError)
    const failed = 'failed: its output is not ExecCredential JSON'
    assert.equal(error.message, `user "u": exec credential plugin "${noisy}" ${failed}`)
    assert.equal(error.hint, 'run the plugin by hand to see why, or log in again')
    return true
  })
})
