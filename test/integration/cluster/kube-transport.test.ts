import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer as createHttpServer, type IncomingMessage} from 'node:http'
import {createServer as createHttpsServer} from 'node:https'
import {connect as connectTcp, type AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {TLSSocket} from 'node:tls'
import {test, type TestContext} from 'node:test'

import {createKubeReader} from '../../../src/core/read/kube/kube-client.js'
import {loadKubeconfig} from '../../../src/core/read/kube/kubeconfig.js'
import {ClusterError} from '../../../src/core/errors.js'
import {startFakeApiServer, type FakeApiServer} from '../../support/fake-api-server.js'
import {clusterFixture, manyShapeCObjects} from '../../support/kube-fixtures.js'
import {pinnedNode, repoRoot} from '../../support/paths.js'
import {cleanEnv, runCommand} from '../../support/run-cli.js'
import {testPki, unrelatedCaCertPem} from '../../support/tls.js'

// The transport built without client-node, against a real TLS server: the fake API server (server certificate from a
// test CA, bearer token) and, for what it cannot check (basic auth, client certificates, proxies), small servers here.

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'kva-transport-it-'))
  t.after(() => rmSync(dir, {recursive: true, force: true}))
  return dir
}

const b64 = (text: string) => Buffer.from(text).toString('base64')

/** A kubeconfig for the fake API server's cluster with the given user entry. */
function kubeconfigWithUser(
  dir: string,
  api: {url: string; caCertPem: string},
  user: Record<string, unknown>,
  cluster: Record<string, unknown> = {},
): string {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}`)
  writeFileSync(
    file,
    JSON.stringify({
      clusters: [
        {name: 'fake', cluster: {server: api.url, 'certificate-authority-data': b64(api.caCertPem), ...cluster}},
      ],
      users: [{name: 'fake-user', user}],
      contexts: [{name: 'fake', context: {cluster: 'fake', user: 'fake-user'}}],
      'current-context': 'fake',
    }),
  )
  return file
}

async function versionThrough(kubeconfig: string): Promise<string> {
  const reader = await createKubeReader(await loadKubeconfig({kubeconfig, env: {}}))
  const response = await reader.get('/version')
  assert.equal(response.kind, 'ok', JSON.stringify(response))
  return (response as {body: {gitVersion: string}}).body.gitVersion
}

const vaFixture = () => [...clusterFixture('crd-c'), ...manyShapeCObjects(3, 'team-a')]

test('a bearer token and CA data reach the fake API server over verified TLS; a wrong CA fails TLS', async (t) => {
  const api = await startFakeApiServer(t, vaFixture())
  const reader = await createKubeReader(await loadKubeconfig({kubeconfig: api.writeKubeconfig(), env: {}}))
  const response = await reader.get('/apis/llmd.ai/v1alpha1/variantautoscalings')
  assert.equal(response.kind, 'ok')
  assert.equal((response as {body: {items: unknown[]}}).body.items.length, 3)
  assert.equal(api.requests.at(-1)?.headers['user-agent'], 'kubectl-va')

  const dir = tempDir(t)
  const wrongCa = kubeconfigWithUser(dir, {url: api.url, caCertPem: unrelatedCaCertPem()}, {token: api.token})
  const tlsFailure = (error: unknown) =>
    error instanceof ClusterError && /^API server .*: TLS verification failed/.test(error.message)
  await assert.rejects(versionThrough(wrongCa), tlsFailure)
})

test('token-file, CA file, insecure-skip-tls-verify, tls-server-name each work on the fake API server', async (t) => {
  const api = await startFakeApiServer(t, [])
  const dir = tempDir(t)
  writeFileSync(join(dir, 'token'), `${api.token}\n`)
  writeFileSync(join(dir, 'ca.crt'), api.caCertPem)
  assert.equal(
    await versionThrough(
      kubeconfigWithUser(
        dir,
        api,
        {'token-file': 'token'},
        {'certificate-authority-data': undefined, 'certificate-authority': 'ca.crt'},
      ),
    ),
    'v1.32.4',
  )
  assert.equal(
    await versionThrough(
      kubeconfigWithUser(
        dir,
        api,
        {token: api.token},
        {'certificate-authority-data': undefined, 'insecure-skip-tls-verify': true},
      ),
    ),
    'v1.32.4',
  )
  // The certificate names 127.0.0.1 and localhost; SNI and verification use tls-server-name instead of the URL's host.
  assert.equal(
    await versionThrough(kubeconfigWithUser(dir, api, {token: api.token}, {'tls-server-name': 'localhost'})),
    'v1.32.4',
  )
  await assert.rejects(
    versionThrough(kubeconfigWithUser(dir, api, {token: api.token}, {'tls-server-name': 'elsewhere.example'})),
    /ERR_TLS_CERT_ALTNAME_INVALID/,
  )
})

test('an exec plugin ExecCredential authenticates on the fake API server, with KUBERNETES_EXEC_INFO', async (t) => {
  const api = await startFakeApiServer(t, [])
  const dir = tempDir(t)
  mkdirSync(join(dir, 'bin'))
  const seen = join(dir, 'exec-info.json')
  // A relative command resolves against the kubeconfig's directory.
  writeFileSync(
    join(dir, 'bin', 'get-token'),
    `#!/bin/sh\nprintf '%s' "$KUBERNETES_EXEC_INFO" > '${seen}'\necho ` +
      `'{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"'"$1"'"}}'\n`,
  )
  chmodSync(join(dir, 'bin', 'get-token'), 0o755)
  const kubeconfig = kubeconfigWithUser(dir, api, {
    exec: {
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      command: './bin/get-token',
      args: [api.token],
      provideClusterInfo: true,
    },
  })
  assert.equal(await versionThrough(kubeconfig), 'v1.32.4')
  const info = JSON.parse(readFileSync(seen, 'utf8'))
  assert.equal(info.apiVersion, 'client.authentication.k8s.io/v1beta1')
  assert.equal(info.spec.interactive, false)
  assert.equal(info.spec.cluster.server, api.url)
})

test('in-cluster config reaches the fake API server with the service account token and CA', async (t) => {
  const api = await startFakeApiServer(t, [])
  const dir = tempDir(t)
  writeFileSync(join(dir, 'token'), `${api.token}\n`)
  writeFileSync(join(dir, 'ca.crt'), api.caCertPem)
  const connection = await loadKubeconfig({
    env: {HOME: dir, KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(api.port)},
    serviceAccountDir: dir,
  })
  assert.equal(connection.source, 'in-cluster')
  const response = await (await createKubeReader(connection)).get('/version')
  assert.equal(response.kind, 'ok')
})

/** Client CA, client certificate (CN=jane) and key, made with the openssl CLI as test/support/tls.ts does. */
function clientPki(dir: string): {caPem: string; certPem: string; keyPem: string} {
  const openssl = (args: string[]) => execFileSync('openssl', args, {cwd: dir, stdio: ['ignore', 'ignore', 'pipe']})
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  openssl([
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'client-ca.key',
    '-out',
    'client-ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=client-ca',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign',
  ])
  openssl(['req', ...ec, '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=jane/O=llm-readers'])
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n')
  openssl([
    'x509',
    '-req',
    '-in',
    'client.csr',
    '-CA',
    'client-ca.crt',
    '-CAkey',
    'client-ca.key',
    '-CAcreateserial',
    '-out',
    'client.crt',
    '-days',
    '2',
    '-extfile',
    'client.ext',
  ])
  return {
    caPem: readFileSync(join(dir, 'client-ca.crt'), 'utf8'),
    certPem: readFileSync(join(dir, 'client.crt'), 'utf8'),
    keyPem: readFileSync(join(dir, 'client.key'), 'utf8'),
  }
}

interface Seen {
  authorization: string | undefined
  impersonate: string | undefined
  clientCommonName: string | undefined
}

/**
 * An HTTPS server with the fake API server's certificate that requires client certificates signed by `clientCaPem`
 * (when given) and answers /version with who it saw.
 */
async function startVerifyingServer(
  t: TestContext,
  clientCaPem?: string,
): Promise<{url: string; caCertPem: string; seen: Seen[]}> {
  const pki = testPki()
  const seen: Seen[] = []
  const server = createHttpsServer(
    {
      cert: pki.serverCertPem,
      key: pki.serverKeyPem,
      ...(clientCaPem ? {ca: clientCaPem, requestCert: true, rejectUnauthorized: true} : {}),
    },
    (request: IncomingMessage, response) => {
      const peer = (request.socket as TLSSocket).getPeerCertificate()
      seen.push({
        authorization: request.headers.authorization,
        impersonate: request.headers['impersonate-user'] as string | undefined,
        clientCommonName: peer?.subject?.CN as string | undefined,
      })
      response.writeHead(200, {'Content-Type': 'application/json'})
      response.end(JSON.stringify({gitVersion: 'v1.32.4'}))
    },
  )
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  return {url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, caCertPem: pki.caCertPem, seen}
}

test('a client certificate and key, from files or data, are presented to a server that requires them', async (t) => {
  const dir = tempDir(t)
  const client = clientPki(dir)
  const server = await startVerifyingServer(t, client.caPem)
  assert.equal(
    await versionThrough(
      kubeconfigWithUser(dir, server, {'client-certificate': 'client.crt', 'client-key': 'client.key'}),
    ),
    'v1.32.4',
  )
  assert.equal(
    await versionThrough(
      kubeconfigWithUser(dir, server, {
        'client-certificate-data': b64(client.certPem),
        'client-key-data': b64(client.keyPem),
        as: 'admin',
      }),
    ),
    'v1.32.4',
  )
  assert.deepEqual(server.seen, [
    {authorization: undefined, impersonate: undefined, clientCommonName: 'jane'},
    {authorization: undefined, impersonate: 'admin', clientCommonName: 'jane'},
  ])
  await assert.rejects(
    versionThrough(kubeconfigWithUser(dir, server, {token: 'no-certificate-token'})),
    ClusterError,
    'without a certificate the handshake fails',
  )
})

test('an exec plugin may return a client certificate and key instead of a token', async (t) => {
  const dir = tempDir(t)
  const client = clientPki(dir)
  const server = await startVerifyingServer(t, client.caPem)
  const plugin = join(dir, 'cert-plugin.sh')
  const status = {clientCertificateData: client.certPem, clientKeyData: client.keyPem}
  const credential = JSON.stringify({apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status})
  writeFileSync(plugin, `#!/bin/sh\ncat <<'EOF'\n${credential}\nEOF\n`)
  chmodSync(plugin, 0o755)
  assert.equal(
    await versionThrough(
      kubeconfigWithUser(dir, server, {exec: {apiVersion: 'client.authentication.k8s.io/v1', command: plugin}}),
    ),
    'v1.32.4',
  )
  assert.equal(server.seen[0]?.clientCommonName, 'jane')
})

test('basic auth sends the username and password as an Authorization header', async (t) => {
  const dir = tempDir(t)
  const server = await startVerifyingServer(t)
  assert.equal(
    await versionThrough(kubeconfigWithUser(dir, server, {username: 'admin', password: 's3cret-pass'})),
    'v1.32.4',
  )
  assert.equal(server.seen[0]?.authorization, `Basic ${b64('admin:s3cret-pass')}`)
})

test('a plain http:// server is reached without TLS, as through kubectl proxy', async (t) => {
  const seen: Array<string | undefined> = []
  const server = createHttpServer((request, response) => {
    seen.push(request.headers.authorization)
    response.writeHead(200, {'Content-Type': 'application/json'})
    response.end('{"gitVersion":"v1.32.4"}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  const dir = tempDir(t)
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  assert.equal(
    await versionThrough(kubeconfigWithUser(dir, {url, caCertPem: testPki().caCertPem}, {token: 'proxy-side-token'})),
    'v1.32.4',
  )
  assert.deepEqual(seen, ['Bearer proxy-side-token'])
})

test('proxy-url tunnels to the fake API server through an HTTP CONNECT proxy', async (t) => {
  const api = await startFakeApiServer(t, [])
  const tunnels: string[] = []
  const proxy = createHttpServer()
  proxy.on('connect', (request: IncomingMessage, socket, head) => {
    tunnels.push(String(request.url))
    const [host, port] = String(request.url).split(':')
    const upstream = connectTcp(Number(port), host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(socket)
      socket.pipe(upstream)
    })
    upstream.on('error', () => socket.destroy())
    socket.on('error', () => upstream.destroy())
  })
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  t.after(
    () =>
      new Promise<void>((resolve) => {
        proxy.closeAllConnections()
        proxy.close(() => resolve())
      }),
  )
  const dir = tempDir(t)
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
  assert.equal(
    await versionThrough(kubeconfigWithUser(dir, api, {token: api.token}, {'proxy-url': proxyUrl})),
    'v1.32.4',
  )
  assert.deepEqual(tunnels, [`127.0.0.1:${api.port}`])
})

/** Every module `kubectl va ARGS` resolves, recorded by test/support/record-modules.ts. */
async function modulesLoadedBy(
  t: TestContext,
  api: FakeApiServer,
  args: string[],
  kubeconfig: string,
): Promise<string[]> {
  const dir = tempDir(t)
  const log = join(dir, 'modules.log')
  const preload = join(repoRoot, 'dist/test/support/record-modules.js')
  const run = await runCommand(pinnedNode, ['--import', preload, join(repoRoot, 'bin/run.js'), ...args], {
    env: cleanEnv({KUBECONFIG: kubeconfig, KUBECTL_VA_MODULE_LOG: log}),
  })
  assert.equal(run.code, 0, run.stderr)
  assert.match(run.stdout, /team-a/)
  assert.ok(api.requests.length > 0)
  return readFileSync(log, 'utf8').split('\n').filter(Boolean)
}

const clientNode = (modules: string[]) =>
  modules.filter((url) => url.includes('/node_modules/@kubernetes/client-node/'))

test("get with token auth loads neither @kubernetes/client-node nor undici (Node's https suffices)", async (t) => {
  const api = await startFakeApiServer(t, vaFixture())
  const modules = await modulesLoadedBy(t, api, ['get', '-A', '--no-metrics'], api.writeKubeconfig())
  assert.ok(
    modules.some((url) => url.includes('/node_modules/@oclif/core/')),
    'the recorder saw oclif, so it works',
  )
  assert.deepEqual(clientNode(modules), [])
  assert.deepEqual(
    modules.filter((url) => url.includes('/node_modules/undici/')),
    [],
  )
})

test('kubectl va get with an auth-provider user still loads @kubernetes/client-node, and works', async (t) => {
  const api = await startFakeApiServer(t, vaFixture())
  const dir = tempDir(t)
  const plugin = join(dir, 'provider.sh')
  writeFileSync(plugin, `#!/bin/sh\necho '{"status":{"token":"${api.token}"}}'\n`)
  chmodSync(plugin, 0o755)
  const kubeconfig = kubeconfigWithUser(dir, api, {
    'auth-provider': {name: 'custom', config: {exec: {command: plugin}}},
  })
  const modules = await modulesLoadedBy(t, api, ['get', '-A', '--no-metrics'], kubeconfig)
  assert.notDeepEqual(clientNode(modules), [])
})
