import assert from 'node:assert/strict'
import {chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer as createHttpServer, type IncomingMessage, type ServerResponse} from 'node:http'
import {type AddressInfo, connect as connectTcp, createServer as createTcpServer, type Socket} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {test, type TestContext} from 'node:test'

import type {KubeObject} from '../../../src/core/model/kube-object.js'
import {type CorpusCase, corpusSuite} from '../../support/corpus.js'
import {startFakeApiServer} from '../../support/fake-api-server.js'
import {clusterFixture} from '../../support/kube-fixtures.js'
import {type RecordedRequest, makeTlsFiles, sendJson, startFakePrometheus} from '../../support/prometheus-fake.js'
import {cleanEnv, kubectlVaDirect} from '../../support/run-cli.js'
import {testPki} from '../../support/tls.js'

/**
 * API server, kubeconfig and Prometheus faults, each against a real server on 127.0.0.1 (never a mocked HTTP call):
 * servers that never finish TLS or never answer, refused ports, proxies, bad credentials and certificates, URLs with
 * passwords, Prometheus errors and bodies that echo credentials. Judged by test/support/corpus.ts.
 */

const fixture = () => clusterFixture('crd-a-v0.0.4', 'shape-a-v0.0.4', 'controller-v0.0.4')
const apiToken = 'api-token-5d1c0e9b7a3f'
const promToken = 'prom-token-93be1f0c22d4'
const headerSecret = 'header-secret-0a9e7c5b'
const urlPassword = 'url-pa55word-c81d'
const keyMarker = 'client-key-marker'
/** What a run that kept its rows prints (the two VAs of shape-a-v0.0.4 in namespace llm). */
const rows = /^granite-13b-l40s\s[\s\S]*^vllme-deployment\s/m
const success = {status: 'success', data: {resultType: 'vector', result: []}}

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'kva-faults-'))
  t.after(() => rmSync(dir, {recursive: true, force: true}))
  return dir
}

/** A TCP server that accepts connections and never sends a byte: no TLS handshake, no HTTP answer. */
async function silentServer(t: TestContext): Promise<number> {
  const sockets = new Set<Socket>()
  const server = createTcpServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => undefined)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => {
    for (const socket of sockets) socket.destroy()
    return new Promise<void>((resolve) => server.close(() => resolve()))
  })
  return (server.address() as AddressInfo).port
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createTcpServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/**
 * An HTTP CONNECT proxy on 127.0.0.1 that tunnels every target host to 127.0.0.1 (so a name only the proxy can
 * reach, like kube-api.invalid, proves the proxy was used). Records each CONNECT target.
 */
async function connectProxy(t: TestContext): Promise<{url: string; tunnels: string[]}> {
  const tunnels: string[] = []
  const sockets = new Set<Socket>()
  const proxy = createHttpServer()
  proxy.on('connect', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    tunnels.push(String(request.url))
    const port = Number(String(request.url).split(':').pop())
    const upstream = connectTcp(port, '127.0.0.1', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(socket)
      socket.pipe(upstream)
    })
    for (const end of [socket, upstream]) {
      sockets.add(end)
      end.on('close', () => sockets.delete(end))
    }
    upstream.on('error', () => socket.destroy())
    socket.on('error', () => upstream.destroy())
  })
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  t.after(() => {
    for (const socket of sockets) socket.destroy()
    proxy.closeAllConnections()
    return new Promise<void>((resolve) => proxy.close(() => resolve()))
  })
  return {url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, tunnels}
}

/** A plain-HTTP stand-in for an API server (kubectl proxy style) that answers every request with `answer`. */
type Answer = (response: ServerResponse, request: IncomingMessage) => void
async function httpServer(t: TestContext, answer: Answer): Promise<string> {
  const server = createHttpServer((request, response) => answer(response, request))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

interface KubeconfigParts {
  server: string
  cluster?: Record<string, unknown>
  user?: Record<string, unknown>
  namespace?: string
}

/** A kubeconfig file (cluster `fake`, user `fake-user`, context `fake`), trusting the fake API server's CA. */
function writeKubeconfig(dir: string, name: string, parts: KubeconfigParts): string {
  const file = join(dir, name)
  const ca = Buffer.from(testPki().caCertPem).toString('base64')
  const cluster = {server: parts.server, 'certificate-authority-data': ca, ...parts.cluster}
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{name: 'fake', cluster}],
    users: [{name: 'fake-user', user: parts.user ?? {token: apiToken}}],
    contexts: [{name: 'fake', context: {cluster: 'fake', user: 'fake-user', namespace: parts.namespace ?? 'llm'}}],
    'current-context': 'fake',
  }
  writeFileSync(file, JSON.stringify(config, null, 2), {mode: 0o600})
  return file
}

const b64 = (text: string) => Buffer.from(text).toString('base64')

/** The fixture with one object changed. */
type Change = (object: KubeObject) => KubeObject
function withObject(objects: KubeObject[], match: (object: KubeObject) => boolean, change: Change): KubeObject[] {
  return objects.map((object) => (match(object) ? change(object) : object))
}

const isVa = (name: string) => (object: KubeObject) =>
  object.kind === 'VariantAutoscaling' && object.metadata?.name === name
const isMainConfigMap = (object: KubeObject) =>
  object.kind === 'ConfigMap' && object.metadata?.name === 'workload-variant-autoscaler-variantautoscaling-config'
const withPrometheusUrl = (url: string) => (object: KubeObject) => ({
  ...object,
  data: {...object.data, PROMETHEUS_BASE_URL: url},
})

/** PromQL outside string literals (escapes honoured): an injected `vector(1)` shows up here, an escaped one not. */
function promqlOutsideStrings(query: string): string {
  let out = ''
  for (let index = 0; index < query.length; index++) {
    const char = query[index]!
    if (char !== '"' && char !== "'") {
      out += char
      continue
    }
    for (index++; index < query.length && query[index] !== char; index++) if (query[index] === '\\') index++
  }
  return out
}

function queryOf(request: RecordedRequest): string {
  const params = new URLSearchParams(request.method === 'GET' ? (request.url.split('?')[1] ?? '') : request.body)
  return params.get('query') ?? ''
}

async function prepare(t: TestContext): Promise<CorpusCase[]> {
  const dir = tempDir(t)
  const api = await startFakeApiServer(t, fixture(), {token: apiToken})
  const kubeconfig = api.writeKubeconfig({namespace: 'llm'})
  const env = {KUBECONFIG: kubeconfig}
  const silent = await silentServer(t)
  const closed = await closedPort()
  const proxy = await connectProxy(t)
  const pki = testPki()
  const promTls = makeTlsFiles(t)
  const at = (parts: Omit<KubeconfigParts, 'server'> & {server?: string}, name: string) =>
    ({KUBECONFIG: writeKubeconfig(dir, name, {server: api.url, ...parts})}) as NodeJS.ProcessEnv

  // Prometheus stand-ins, one behaviour each.
  const prom = async (handler: (request: RecordedRequest, response: ServerResponse) => void, tls = false) =>
    (await startFakePrometheus(t, handler, tls ? {tls: promTls} : {})).url
  const promOk = await prom((_request, response) => sendJson(response, 200, success))
  const prom401 = await prom((request, response) => {
    response.writeHead(401, {'content-type': 'text/plain'})
    response.end(`invalid credentials: ${request.headers.authorization ?? 'none'}`)
  })
  const prom403Json = await prom((_request, response) => sendJson(response, 403, {message: 'User is not authorized'}))
  const text = (response: ServerResponse, status: number, type: string, body: string) => {
    response.writeHead(status, {'content-type': type})
    response.end(body)
  }
  const prom404 = await prom((_request, response) => text(response, 404, 'text/plain', '404 page not found'))
  const prom500Html = await prom((request, response) => {
    response.writeHead(500, {'content-type': 'text/html'})
    response.end(`<html><body>upstream failed; headers: ${JSON.stringify(request.headers)}</body></html>`)
  })
  const promGarbage = await prom((_request, response) => text(response, 200, 'application/json', '{"status":"succ'))
  const badData = {status: 'error', errorType: 'bad_data', error: 'parse error'}
  const promBadData = await prom((_request, response) => sendJson(response, 400, badData))
  const nullResult = {status: 'success', data: {resultType: 'vector', result: null}}
  const promNullResult = await prom((_request, response) => sendJson(response, 200, nullResult))
  const promSlow = await prom(() => undefined)
  const promReset = await prom((_request, response) => response.socket?.destroy())
  const promGetOnly = await prom((request, response) =>
    request.method === 'POST' ? text(response, 405, 'text/plain', '') : sendJson(response, 200, success),
  )
  const promTlsOk = await prom((_request, response) => sendJson(response, 200, success), true)
  const promInjection = await prom((request, response) => {
    const outside = promqlOutsideStrings(queryOf(request))
    if (/vector\(1\)/.test(outside)) return sendJson(response, 400, {...badData, error: 'injected'})
    sendJson(response, 200, success)
  })
  const serve = async (objects: KubeObject[], options = {}) =>
    (await startFakeApiServer(t, objects, {token: apiToken, ...options})).writeKubeconfig({namespace: 'llm'})
  const injectionApi = (modelID: string) =>
    serve(withObject(fixture(), isVa('vllme-deployment'), (va) => ({...va, spec: {...(va.spec as object), modelID}})))
  const injections = [
    ['a quote', 'evil"} or vector(1) or {x="'],
    ['a backslash before the quote', 'evil\\"} or vector(1) or {x=\\"'],
    ['a line break', 'evil"}\nor vector(1) or {x="'],
    ['a regex-looking value', 'evil.*"} or vector(1) #'],
  ] as const
  const injectionKubeconfigs = await Promise.all(injections.map(([, modelID]) => injectionApi(modelID)))
  const broken: Change = (va) => ({...va, spec: {...(va.spec as object), modelProfile: {accelerators: 'L40S'}}})
  const brokenKubeconfig = await serve(withObject(fixture(), isVa('granite-13b-l40s'), broken))
  const leakyUrl = `https://admin:${urlPassword}@prom.example.com:9090`
  const leakyKubeconfig = await serve(withObject(fixture(), isMainConfigMap, withPrometheusUrl(leakyUrl)))
  const leakySvcUrl = `https://admin:${urlPassword}@kube-prometheus-stack-prometheus.monitoring.svc:9090`
  const leakySvcKubeconfig = await serve(withObject(fixture(), isMainConfigMap, withPrometheusUrl(leakySvcUrl)))
  const forbiddenKubeconfig = await serve(fixture(), {forbidden: ['variantautoscalings']})
  const htmlApi = await httpServer(t, (response) => text(response, 200, 'text/html', '<html>login</html>'))
  const echoingApi = await httpServer(t, (response, request) => {
    const message = `denied for ${request.headers.authorization}`
    const status = {kind: 'Status', code: 403, reason: 'Forbidden', message}
    text(response, 403, 'application/json', JSON.stringify(status))
  })
  const tokenFile = join(dir, 'token')
  writeFileSync(tokenFile, `${apiToken}\n`)
  const badYaml = join(dir, 'bad.yaml')
  writeFileSync(badYaml, `users:\n- name: u\n  user:\n    token: ${apiToken}\n  : : [\n`)
  const garbageCa = join(dir, 'garbage-ca.crt')
  writeFileSync(garbageCa, 'not a certificate\n')
  const keyPem = pki.serverKeyPem
  const keyLine = keyPem.split('\n')[1]!
  const execToken = 'exec-token-1f2e3d4c5b6a'
  const plugin = join(dir, 'credential-plugin.sh')
  const credential = {apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: {token: execToken}}
  writeFileSync(plugin, `#!/bin/sh\necho '${JSON.stringify(credential)}'\n`)
  chmodSync(plugin, 0o755)
  const promTokenFile = join(dir, 'prom-token')
  writeFileSync(promTokenFile, `${promToken}\n`)

  const onlyByProxy = (name: string) =>
    at({server: `https://kube-api.invalid:${api.port}`, cluster: {'tls-server-name': 'localhost'}}, name)
  const execV1 = {apiVersion: 'client.authentication.k8s.io/v1'}
  const missingPlugin = {...execV1, command: join(dir, 'no-plugin'), installHint: 'install it with: brew install x'}
  const trustProm = ['--prom-ca-file', promTls.caFile]
  const mismatchedPair = ['--prom-cert-file', promTls.clientCertFile, '--prom-key-file', promTls.serverKeyFile]
  const get = (...args: string[]) => ['get', ...args]
  const withProm = (url: string, ...args: string[]) => ['get', '--prom-url', url, ...args]
  const kubeSecrets = [apiToken]
  const promSecrets = [apiToken, promToken, headerSecret]

  return [
    // Hangs: a server that accepts TCP and never finishes TLS, or never answers, is bounded.
    {
      name: 'API server never finishes TLS, default --request-timeout',
      args: get('--no-metrics'),
      env: at({server: `https://127.0.0.1:${silent}`}, 'silent.yaml'),
      code: 4,
      stderr: /^error: cannot reach the API server https:\/\/[\d.:]+: the TLS handshake did not finish within 10s; /m,
      secrets: kubeSecrets,
    },
    {
      name: 'API server never finishes TLS, describe',
      args: ['describe', '--no-metrics'],
      env: at({server: `https://127.0.0.1:${silent}`}, 'silent-d.yaml'),
      code: 4,
      stderr: /TLS handshake did not finish within 10s/,
      secrets: kubeSecrets,
    },
    {
      name: 'API server never finishes TLS, --request-timeout 1s',
      args: get('--no-metrics', '--request-timeout', '1s'),
      env: at({server: `https://127.0.0.1:${silent}`}, 'silent-1s.yaml'),
      code: 4,
      stderr: /^error: API server https:\/\/127\.0\.0\.1:\d+: no answer within 1s; .*--request-timeout/m,
    },
    {
      name: 'API server never finishes TLS, snapshot --request-timeout 2',
      args: ['snapshot', '--no-metrics', '--request-timeout', '2'],
      env: at({server: `https://127.0.0.1:${silent}`}, 'silent-2.yaml'),
      code: 4,
      stderr: /no answer within 2s/,
    },
    {
      name: 'API server never finishes TLS, through proxy-url',
      args: get('--no-metrics'),
      env: at({server: `https://127.0.0.1:${silent}`, cluster: {'proxy-url': proxy.url}}, 'silent-proxy.yaml'),
      code: 4,
      stderr: /^error: cannot reach the API server .*within 10s; /m,
    },
    {
      name: 'plain-http API server that never answers, --request-timeout 500ms',
      args: get('--no-metrics', '--request-timeout', '500ms'),
      env: at({server: `http://127.0.0.1:${silent}`}, 'silent-http.yaml'),
      code: 4,
      stderr: /no answer within 500ms/,
    },
    {
      name: 'Prometheus never finishes TLS, default --prom-timeout',
      args: withProm(`https://127.0.0.1:${silent}`),
      env,
      code: 5,
      stderr: /^error: Prometheus at https:\/\/[\d.:]+\/api\/v1\/query: no connection \(TCP and TLS.*\) within 10s; /m,
      stdout: rows,
    },
    {
      name: 'Prometheus never finishes TLS, --prom-timeout 2s',
      args: withProm(`https://127.0.0.1:${silent}`, '--prom-timeout', '2s'),
      env,
      code: 5,
      stderr: /within 2s/,
      stdout: rows,
    },
    {
      // The duration as given: 1000ms, not 1s (issue 13).
      name: 'Prometheus accepts TCP and never answers HTTP, --prom-timeout 1000ms',
      args: withProm(`http://127.0.0.1:${silent}`, '--prom-timeout', '1000ms'),
      env,
      code: 5,
      stderr: /no answer within 1000ms; /,
      stdout: rows,
    },
    {
      name: 'Prometheus never answers a query, --prom-timeout 1s',
      args: withProm(promSlow, '--prom-timeout', '1s'),
      env,
      code: 5,
      stderr: /no answer within 1s/,
      stdout: rows,
    },
    {
      name: 'describe: Prometheus never answers, --prom-timeout 1s',
      args: ['describe', 'vllme-deployment', '--prom-url', promSlow, '--prom-timeout', '1s'],
      env,
      code: 5,
      stderr: /no answer within 1s/,
      stdout: /vllme-deployment/,
    },
    // Refused, reset, unreachable
    {
      name: 'API server port closed',
      args: get('--no-metrics'),
      env: at({server: `https://127.0.0.1:${closed}`}, 'closed.yaml'),
      code: 4,
      stderr: /^error: cannot reach the API server https:\/\/[\d.:]+: connection refused; check the kubeconfig/m,
    },
    {
      name: 'Prometheus port closed: rows kept',
      args: withProm(`http://127.0.0.1:${closed}`),
      env,
      code: 5,
      stderr: /: connection refused; /,
      stdout: rows,
    },
    {name: 'Prometheus resets every connection: rows kept', args: withProm(promReset), env, code: 5, stdout: rows},
    {
      name: 'Prometheus host not found',
      args: withProm('http://prometheus.invalid:9090'),
      env,
      code: 5,
      stderr: /host not found; /,
      stdout: rows,
    },
    // HTTPS_PROXY, as kubectl honours it for the API server
    {
      name: 'HTTPS_PROXY reaches an API server only the proxy can resolve',
      args: get('--no-metrics'),
      env: {...onlyByProxy('proxied.yaml'), HTTPS_PROXY: proxy.url},
      code: 0,
      stdout: rows,
    },
    {
      name: 'https_proxy (lower case) is honoured too',
      args: get('--no-metrics'),
      env: {...onlyByProxy('proxied-lc.yaml'), https_proxy: proxy.url.replace('http://', '')},
      code: 0,
      stdout: rows,
    },
    {
      name: 'NO_PROXY excludes the API server from HTTPS_PROXY',
      args: get('--no-metrics'),
      env: {...onlyByProxy('noproxy.yaml'), HTTPS_PROXY: proxy.url, NO_PROXY: '.invalid'},
      code: 4,
      stderr: /host not found/,
    },
    {
      name: 'HTTPS_PROXY on a closed port',
      args: get('--no-metrics'),
      env: {...onlyByProxy('deadproxy.yaml'), HTTPS_PROXY: `http://127.0.0.1:${closed}`},
      code: 4,
      stderr: /^error: cannot reach the API server https:\/\/kube-api\.invalid:\d+: connection refused; /m,
    },
    {
      name: 'HTTPS_PROXY with a password in it is never printed',
      args: get('--no-metrics', '--verbose'),
      env: {...onlyByProxy('deadproxy-pw.yaml'), HTTPS_PROXY: `http://proxyuser:${urlPassword}@127.0.0.1:${closed}`},
      code: 4,
      secrets: [urlPassword, 'proxyuser'],
    },
    // Leaks: URL userinfo is never written or printed
    {
      name: 'snapshot strips user:password@ from PROMETHEUS_BASE_URL',
      args: ['snapshot', '--no-metrics'],
      env: {KUBECONFIG: leakyKubeconfig},
      code: 0,
      stdout: /PROMETHEUS_BASE_URL: https:\/\/prom\.example\.com:9090\n/,
      secrets: [urlPassword, 'admin:'],
    },
    {
      name: 'snapshot of an in-cluster PROMETHEUS_BASE_URL with a password',
      args: ['snapshot'],
      env: {KUBECONFIG: leakySvcKubeconfig},
      code: 5,
      stdout: /PROMETHEUS_BASE_URL: https:\/\/kube-prometheus-stack-prometheus\.monitoring\.svc:9090\n/,
      secrets: [urlPassword, 'admin:'],
    },
    {
      name: 'describe of an in-cluster PROMETHEUS_BASE_URL with a password, --verbose',
      args: ['describe', 'vllme-deployment', '--verbose'],
      env: {KUBECONFIG: leakySvcKubeconfig},
      code: 5,
      stdout: /vllme-deployment/,
      secrets: [urlPassword, 'admin:'],
    },
    {
      name: 'get -o json with a PROMETHEUS_BASE_URL password',
      args: ['get', '-o', 'json'],
      env: {KUBECONFIG: leakyKubeconfig},
      code: 5,
      secrets: [urlPassword, 'admin:'],
    },
    {
      name: '--prom-url with a password, Prometheus refuses',
      args: withProm(`http://promuser:${urlPassword}@127.0.0.1:${closed}`, '--verbose'),
      env,
      code: 5,
      stdout: rows,
      secrets: [urlPassword, 'promuser'],
    },
    {
      name: 'KUBECTL_VA_PROM_URL with a password, Prometheus answers 401',
      args: get('--verbose'),
      env: {...env, KUBECTL_VA_PROM_URL: prom401.replace('http://', `http://promuser:${urlPassword}@`)},
      code: 5,
      stdout: rows,
      secrets: [urlPassword, b64(`promuser:${urlPassword}`)],
    },
    {
      name: 'kubeconfig server with a password',
      args: get('--no-metrics', '--verbose'),
      env: at({server: `https://kubeuser:${urlPassword}@127.0.0.1:${closed}`}, 'server-pw.yaml'),
      code: 4,
      secrets: [urlPassword, 'kubeuser'],
    },
    // Kubeconfig and credential faults: one line that names the file or field, never the secret
    {
      name: 'token-file missing: the cause is not redacted',
      args: get('--no-metrics'),
      env: at({user: {'token-file': join(dir, 'missing', 'token')}}, 'tokenfile-missing.yaml'),
      code: 4,
      stderr: /^(?![\s\S]*<redacted>)error: .*: token-file \S+\/token cannot be read \(no such file, ENOENT\)/m,
    },
    {
      name: 'token-file is a directory',
      args: get('--no-metrics'),
      env: at({user: {'token-file': dir}}, 'tokenfile-dir.yaml'),
      code: 4,
      stderr: /cannot be read \(is a directory, EISDIR\)/,
    },
    {
      name: 'token-file works',
      args: get('--no-metrics'),
      env: at({user: {'token-file': tokenFile}}, 'tokenfile.yaml'),
      code: 0,
      stdout: rows,
      secrets: kubeSecrets,
    },
    {
      name: 'client-certificate-data that is not PEM is blamed on the kubeconfig',
      args: get('--no-metrics'),
      env: at({user: {'client-certificate-data': b64('garbage'), 'client-key-data': b64(keyPem)}}, 'cert-garbage.yaml'),
      code: 4,
      stderr: /^error: kubeconfig user "fake-user": client-certificate-data is not valid PEM; fix the client cert/m,
      secrets: [keyLine],
    },
    {
      name: 'client-key-data that is not PEM',
      args: get('--no-metrics', '--verbose'),
      env: at({user: {'client-certificate-data': b64(pki.serverCertPem), 'client-key-data': b64(keyMarker)}}, 'k.yaml'),
      code: 4,
      stderr: /client-key-data is not valid PEM/,
      secrets: [keyMarker],
    },
    {
      name: 'client key that does not match the certificate',
      args: get('--no-metrics', '--verbose'),
      env: at({user: {'client-certificate-data': b64(pki.caCertPem), 'client-key-data': b64(keyPem)}}, 'mismatch.yaml'),
      code: 4,
      stderr: /client-key-data does not match client-certificate/,
      secrets: [keyLine],
    },
    {
      name: 'client certificate without a key',
      args: get('--no-metrics'),
      env: at({user: {'client-certificate-data': b64(pki.serverCertPem)}}, 'cert-only.yaml'),
      code: 4,
      stderr: /client-key\(-data\) is missing/,
    },
    {
      name: 'client-certificate file missing',
      args: get('--no-metrics'),
      env: at({user: {'client-certificate': join(dir, 'nope.crt'), 'client-key-data': b64(keyPem)}}, 'no-cert.yaml'),
      code: 4,
      stderr: /nope\.crt \(no such file, ENOENT\)/,
      secrets: [keyLine],
    },
    {
      name: 'certificate-authority-data that is not PEM',
      args: get('--no-metrics'),
      env: at({cluster: {'certificate-authority-data': b64('garbage')}}, 'ca-garbage.yaml'),
      code: 4,
      stderr: /^error: kubeconfig cluster "fake": certificate-authority-data holds no PEM certificate; /m,
    },
    {
      name: 'certificate-authority file that is not PEM',
      args: get('--no-metrics'),
      env: at({cluster: {'certificate-authority-data': undefined, 'certificate-authority': garbageCa}}, 'ca-file.yaml'),
      code: 4,
      stderr: /certificate-authority .*garbage-ca\.crt holds no PEM/,
    },
    {
      name: 'TLS is verified by default: an unrelated CA fails',
      args: get('--no-metrics'),
      env: at({cluster: {'certificate-authority-data': undefined}}, 'no-ca.yaml'),
      code: 4,
      stderr: /^error: API server https:\/\/127\.0\.0\.1:\d+: TLS verification failed \(/m,
      secrets: kubeSecrets,
    },
    {
      name: 'server that is not a URL',
      args: get('--no-metrics'),
      env: at({server: 'not a url'}, 'server-text.yaml'),
      code: 4,
      stderr: /^error: kubeconfig .*: cluster "fake" \(context "fake"\): server "not a url" is not an https:\/\/ URL/m,
    },
    {
      name: 'server with an ftp:// scheme',
      args: get('--no-metrics'),
      env: at({server: 'ftp://127.0.0.1:21'}, 'server-ftp.yaml'),
      code: 4,
      stderr: /is not an https:\/\/ URL/,
    },
    {
      name: 'server host:port without a scheme is https, as in kubectl',
      args: get('--no-metrics'),
      env: at({server: `127.0.0.1:${api.port}`}, 'server-noscheme.yaml'),
      code: 0,
      stdout: rows,
    },
    {
      name: 'wrong token, --verbose',
      args: get('--no-metrics', '--verbose'),
      env: at({user: {token: 'wrong-token-5e6f7a8b9c'}}, 'wrong-token.yaml'),
      code: 4,
      stderr: /^error: API server .*: the credentials of user "fake-user" were rejected \(401 Unauthorized\); /m,
      secrets: ['wrong-token-5e6f7a8b9c', apiToken],
    },
    {
      name: 'exec plugin token rejected, --verbose',
      args: get('--no-metrics', '--verbose'),
      env: at({user: {exec: {...execV1, command: plugin}}}, 'exec.yaml'),
      code: 4,
      stderr: /401 Unauthorized/,
      secrets: [execToken],
    },
    {
      name: 'exec plugin not found',
      args: get('--no-metrics'),
      env: at({user: {exec: missingPlugin}}, 'x'),
      code: 4,
      stderr: /^error: user "fake-user": exec credential plugin ".*no-plugin" was not found; install it with: brew/m,
    },
    {
      name: 'basic auth password rejected, --verbose',
      args: get('--no-metrics', '--verbose'),
      env: at({user: {username: 'admin', password: urlPassword}}, 'basic.yaml'),
      code: 4,
      stderr: /401 Unauthorized/,
      secrets: [urlPassword, b64(`admin:${urlPassword}`)],
    },
    {
      name: 'unknown --context',
      args: get('--no-metrics', '--context', 'nope'),
      env,
      code: 4,
      stderr: /^error: kubeconfig .*: context "nope" not found; /m,
    },
    {
      name: 'unknown --user',
      args: get('--no-metrics', '--user', 'nobody'),
      env,
      code: 4,
      stderr: /: user "nobody" .*not found; /,
    },
    {
      name: 'unknown --cluster',
      args: get('--no-metrics', '--cluster', 'nowhere'),
      env,
      code: 4,
      stderr: /: cluster "nowhere" .*not found; /,
    },
    {
      name: '--kubeconfig that does not exist',
      args: get('--no-metrics', '--kubeconfig', join(dir, 'nope.yaml')),
      code: 4,
      stderr: /^error: kubeconfig .*nope\.yaml: no such file; check the --kubeconfig path$/m,
    },
    {
      name: 'no kubeconfig at all',
      args: get('--no-metrics'),
      code: 4,
      stderr: /^error: kubeconfig .*: not found, and not running in a cluster; /m,
    },
    {
      name: 'kubeconfig that is not YAML, holding a token',
      args: get('--no-metrics', '--kubeconfig', badYaml, '--verbose'),
      code: 4,
      stderr: /^error: kubeconfig .*bad\.yaml: cannot parse it/m,
      secrets: kubeSecrets,
    },
    {
      name: 'VA list forbidden',
      args: get('--no-metrics'),
      env: {KUBECONFIG: forbiddenKubeconfig},
      code: 4,
      stderr: /forbidden/i,
    },
    {
      name: 'API server echoing the bearer token in a 403, --verbose',
      args: get('--no-metrics', '--verbose'),
      env: at({server: echoingApi}, 'echo.yaml'),
      code: 4,
      stderr: /forbidden|denied/i,
      secrets: kubeSecrets,
    },
    {
      name: 'plain-http API server answering HTML',
      args: get('--no-metrics'),
      env: at({server: htmlApi}, 'html.yaml'),
      code: 4,
      stderr: /answered with something not JSON; check that the kubeconfig's server URL/,
    },
    // Prometheus faults: one line, exit 5, rows kept, no secret
    {
      name: 'Prometheus 401 echoing the bearer token',
      args: withProm(prom401, '--prom-token', promToken),
      env,
      code: 5,
      stderr: /^error: Prometheus at .*: answered HTTP 401 .*; pass credentials: --prom-token, /m,
      stdout: rows,
      secrets: promSecrets,
    },
    {
      name: 'Prometheus 401 echoing the token, --verbose',
      args: withProm(prom401, '--prom-token', promToken, '--verbose'),
      env,
      code: 5,
      stdout: rows,
      secrets: promSecrets,
    },
    {
      name: 'Prometheus 401 echoing a token from --prom-token-file',
      args: withProm(prom401, '--prom-token-file', promTokenFile, '--verbose'),
      env,
      code: 5,
      stdout: rows,
      secrets: promSecrets,
    },
    {
      name: 'Prometheus 401 echoing KUBECTL_VA_PROM_TOKEN',
      args: withProm(prom401),
      env: {...env, KUBECTL_VA_PROM_TOKEN: promToken},
      code: 5,
      stdout: rows,
      secrets: promSecrets,
    },
    {
      name: 'Prometheus 500 HTML echoing an Authorization header',
      args: withProm(prom500Html, '--prom-header', `Authorization: Bearer ${headerSecret}`),
      env,
      code: 5,
      stderr: /answered HTTP 500 with a text\/html body/,
      stdout: rows,
      secrets: promSecrets,
    },
    {
      name: 'Prometheus 500 HTML echoing a custom secret header, --verbose',
      args: withProm(prom500Html, '--prom-header', `X-Api-Key: ${headerSecret}`, '--verbose'),
      env,
      code: 5,
      stdout: rows,
      secrets: promSecrets,
    },
    {
      name: 'Prometheus 403 with a non-API JSON body',
      args: withProm(prom403Json),
      env,
      code: 5,
      stderr: /answered HTTP 403 with JSON, not a Prometheus API response/,
      stdout: rows,
    },
    {
      name: 'Prometheus 404: the URL is not the root',
      args: withProm(prom404),
      env,
      code: 5,
      stderr: /--prom-url must be the Prometheus root/,
      stdout: rows,
    },
    {name: 'Prometheus answers truncated JSON', args: withProm(promGarbage), env, code: 5, stdout: rows},
    {
      name: 'Prometheus rejects the query (bad_data)',
      args: withProm(promBadData),
      env,
      code: 5,
      stderr: /the query was rejected \(HTTP 400, bad_data\)/,
      stdout: rows,
    },
    {name: 'Prometheus result holding null', args: withProm(promNullResult), env, code: 5, stdout: rows},
    {name: 'Prometheus answers only GET (405 on POST)', args: withProm(promGetOnly), env, code: 0, stdout: rows},
    {
      name: 'Prometheus TLS is verified by default',
      args: withProm(promTlsOk),
      env,
      code: 5,
      stderr: /TLS certificate not trusted .*; pass the CA with --prom-ca-file, or --prom-insecure-skip-verify/,
      stdout: rows,
    },
    {
      name: 'Prometheus TLS with --prom-ca-file',
      args: withProm(promTlsOk, '--prom-ca-file', promTls.caFile),
      env,
      code: 0,
      stdout: rows,
    },
    {
      name: 'Prometheus TLS with --prom-insecure-skip-verify',
      args: withProm(promTlsOk, '--prom-insecure-skip-verify'),
      env,
      code: 0,
      stdout: rows,
    },
    {
      name: '--prom-ca-file missing',
      args: withProm(promTlsOk, '--prom-ca-file', join(dir, 'nope-ca.crt')),
      env,
      code: 5,
      stderr: /nope-ca\.crt: cannot be read \(no such file, ENOENT\); check the path given with --prom-ca-file/,
      stdout: rows,
    },
    {
      name: '--prom-ca-file that is not PEM',
      args: withProm(promTlsOk, '--prom-ca-file', garbageCa),
      env,
      code: 5,
      stderr: /garbage-ca\.crt: holds no PEM certificate/,
      stdout: rows,
    },
    {
      name: '--prom-cert-file without --prom-key-file',
      args: withProm(promTlsOk, '--prom-cert-file', promTls.clientCertFile),
      env,
      code: 5,
      stderr: /given without its pair; pass both --prom-cert-file and --prom-key-file/,
      stdout: rows,
    },
    {
      name: '--prom-key-file that does not match the certificate',
      args: withProm(promTlsOk, ...trustProm, ...mismatchedPair),
      env,
      code: 5,
      stderr: /does not match the client certificate/,
      stdout: rows,
    },
    {
      name: '--prom-token-file missing',
      args: withProm(promOk, '--prom-token-file', join(dir, 'nope-token')),
      env,
      code: 5,
      stderr: /nope-token: cannot be read \(no such file, ENOENT\)/,
      stdout: rows,
    },
    ...injections.map(
      ([what], index): CorpusCase => ({
        name: `PromQL escaping holds against a model ID with ${what}`,
        args: withProm(promInjection),
        env: {KUBECONFIG: injectionKubeconfigs[index]!},
        code: 0,
        stdout: /^vllme-deployment\s/m,
      }),
    ),
    // One broken VA never hides the others, and exit 6 always says why
    {
      name: 'get: one broken VA keeps the others',
      args: get('--no-metrics'),
      env: {KUBECONFIG: brokenKubeconfig},
      code: 6,
      stderr: /^error: variantautoscaling llm\/granite-13b-l40s: /m,
      stdout: /^vllme-deployment\s/m,
    },
    {
      name: 'describe: one broken VA is said on stderr (exit 6)',
      args: ['describe', '--no-metrics'],
      env: {KUBECONFIG: brokenKubeconfig},
      code: 6,
      stderr: /^error: variantautoscaling llm\/granite-13b-l40s: /m,
      stdout: /vllme-deployment/,
    },
    {
      name: 'snapshot with one broken VA still writes the others',
      args: ['snapshot', '--no-metrics'],
      env: {KUBECONFIG: brokenKubeconfig},
      code: 0,
      stdout: /name: vllme-deployment/,
    },
  ]
}

corpusSuite('API server, kubeconfig and Prometheus faults', prepare)

test('HTTPS_PROXY: the API server is reached through the CONNECT proxy, loopback servers directly', async (t) => {
  const api = await startFakeApiServer(t, fixture(), {token: apiToken})
  const proxy = await connectProxy(t)
  const dir = tempDir(t)
  const server = `https://kube-api.invalid:${api.port}`
  const proxied = writeKubeconfig(dir, 'proxied.yaml', {server, cluster: {'tls-server-name': 'localhost'}})
  const run = await kubectlVaDirect(['get', '--no-metrics'], {
    env: cleanEnv({KUBECONFIG: proxied, HTTPS_PROXY: proxy.url}),
  })
  assert.equal(run.code, 0, run.stderr)
  const tunnelled = proxy.tunnels.every((target) => target === `kube-api.invalid:${api.port}`)
  assert.ok(proxy.tunnels.length > 0 && tunnelled, proxy.tunnels.join(','))
  // As Go's ProxyFromEnvironment: never for 127.0.0.1 or localhost.
  const directKubeconfig = writeKubeconfig(dir, 'direct.yaml', {server: api.url})
  const direct = await kubectlVaDirect(['get', '--no-metrics'], {
    env: cleanEnv({KUBECONFIG: directKubeconfig, HTTPS_PROXY: proxy.url}),
  })
  assert.equal(direct.code, 0, direct.stderr)
  assert.ok(proxy.tunnels.every((target) => target.startsWith('kube-api.invalid:')))
})

test('snapshot --output-file holds no URL userinfo', async (t) => {
  const leaky = withPrometheusUrl(`https://admin:${urlPassword}@prom.example.com:9090/prefix`)
  const api = await startFakeApiServer(t, withObject(fixture(), isMainConfigMap, leaky), {token: apiToken})
  const file = join(tempDir(t), 'snapshot.yaml')
  const env = cleanEnv({KUBECONFIG: api.writeKubeconfig({namespace: 'llm'})})
  const run = await kubectlVaDirect(['snapshot', '--no-metrics', '--output-file', file], {env})
  assert.equal(run.code, 0, run.stderr)
  const text = readFileSync(file, 'utf8')
  assert.match(text, /PROMETHEUS_BASE_URL: https:\/\/prom\.example\.com:9090\/prefix\n/)
  assert.ok(!text.includes(urlPassword) && !text.includes('admin:'))
})
