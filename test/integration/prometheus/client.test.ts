import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {test, type TestContext} from 'node:test'

import {collectModelMetricsHistory} from '../../../src/core/collect/history.js'
import {collectModelMetrics} from '../../../src/core/collect/model-metrics.js'
import {PrometheusError} from '../../../src/core/errors.js'
import {createPrometheusClient, type PrometheusClientOptions} from '../../../src/core/read/prometheus/client.js'
import {closedPort, startPrometheus} from '../../support/prometheus.js'
import {makeTlsFiles, sendJson, startFakePrometheus, startForwardProxy} from '../../support/prometheus-fake.js'

const token = 'sekret-token-7f3a9c'

function client(t: TestContext, options: PrometheusClientOptions) {
  const c = createPrometheusClient(options)
  t.after(() => c.close())
  return c
}

/** Runs a query expected to fail and returns the PrometheusError, checking that no credential leaks into it. */
async function expectPrometheusError(promise: Promise<unknown>): Promise<PrometheusError> {
  const error = await promise.then(
    () => assert.fail('expected a PrometheusError'),
    (e: unknown) => e,
  )
  assert.ok(error instanceof PrometheusError, `not a PrometheusError: ${String(error)}`)
  const text = `${error.message}\n${error.hint ?? ''}`
  assert.ok(!text.includes(token), `token leaked: ${text}`)
  assert.ok(!text.includes('pa55word'), `password leaked: ${text}`)
  assert.equal(error.message.includes('\n'), false, 'message is one line')
  assert.ok(error.hint, 'has a hint')
  return error
}

const emptyVector = {status: 'success', data: {resultType: 'vector', result: []}}

test('connection refused names the URL without credentials and suggests port-forward', async (t) => {
  const port = await closedPort()
  const c = client(t, {url: `http://user:pa55word@127.0.0.1:${port}/prefix`, bearerToken: token})
  const error = await expectPrometheusError(c.query('up'))
  assert.equal(error.message, `Prometheus at http://127.0.0.1:${port}/prefix/api/v1/query: connection refused`)
  assert.match(error.hint!, /port-forward/)
  assert.equal(error.kind, 'prometheus')
})

test('a server that never answers fails with the timeout, and the client gives up the request', async (t) => {
  // The server never answers: the error can only come from the client's own timeout, and the client must close
  // the connection rather than wait on. Events are checked, not elapsed time.
  const closed: Array<Promise<void>> = []
  const fake = await startFakePrometheus(t, (_request, response) => {
    closed.push(new Promise((resolve) => response.once('close', () => resolve())))
  })
  const c = client(t, {url: fake.url, timeoutMs: 300})
  const error = await expectPrometheusError(c.query('up'))
  assert.match(error.message, /no answer within 300ms$/)
  assert.equal(closed.length, 1, 'one request reached the server')
  await closed[0]
})

test('HTTP errors and non-API bodies become PrometheusErrors with a fitting hint', async (t) => {
  const answers: Array<[number, string, string]> = [
    [401, 'text/plain', 'Unauthorized\n'],
    [403, 'text/html', `<html><body>Forbidden for Bearer ${token}</body></html>`],
    [404, 'text/plain', '404 page not found\n'],
    [502, 'text/html', '<html><body><h1>502 Bad Gateway</h1></body></html>'],
    [200, 'text/html', '<!doctype html><html><title>Grafana</title></html>'],
    [403, 'application/json', '{"message":"User is not authorized to perform aps:QueryMetrics"}'],
    [500, 'application/json', '{"status":"success","data":{"resultType":"vector","result":[]}}'],
  ]
  const fake = await startFakePrometheus(t, (_request, response, index) => {
    const [status, type, body] = answers[index]!
    response.writeHead(status, {'content-type': type})
    response.end(body)
  })
  const c = client(t, {url: fake.url, bearerToken: token, retry: {retries: 0}})
  const errors: PrometheusError[] = []
  for (let i = 0; i < answers.length; i++) errors.push(await expectPrometheusError(c.query('up')))
  const url = `${fake.url}api/v1/query`
  const notAuthorized = 'User is not authorized to perform aps:QueryMetrics'
  const forbidden = 'Forbidden for Bearer <redacted>'
  assert.deepEqual(
    errors.map((e) => e.message),
    [
      `Prometheus at ${url}: answered HTTP 401 with a text/plain body, not the Prometheus API: Unauthorized`,
      `Prometheus at ${url}: answered HTTP 403 with a text/html body, not the Prometheus API: ${forbidden}`,
      `Prometheus at ${url}: answered HTTP 404 with a text/plain body, not the Prometheus API: 404 page not found`,
      `Prometheus at ${url}: answered HTTP 502 with a text/html body, not the Prometheus API: 502 Bad Gateway`,
      `Prometheus at ${url}: answered HTTP 200 with a text/html body, not the Prometheus API: Grafana`,
      `Prometheus at ${url}: answered HTTP 403 with JSON, not a Prometheus API response: ${notAuthorized}`,
      `Prometheus at ${url}: answered HTTP 500`,
    ],
  )
  assert.match(errors[0]!.hint!, /--prom-token-file/)
  assert.match(errors[2]!.hint!, /before \/api\/v1/)
  assert.match(errors[4]!.hint!, /Prometheus root/)
})

test('status error from the real Prometheus carries errorType and error', async (t) => {
  const prom = await startPrometheus(t)
  const c = client(t, {url: prom.url})
  const error = await expectPrometheusError(c.query('sum(rate(vllm:request_success_total[1m])'))
  assert.match(error.message, /^Prometheus at \S+\/api\/v1\/query: the query was rejected \(HTTP 400, bad_data\): /)
  assert.match(error.message, /invalid parameter "query": /)
  assert.match(error.message, /parse error/)
  const tooMany = await expectPrometheusError(
    c.queryRange('up', {start: new Date(0), end: new Date(20_000_000), stepSeconds: 1}),
  )
  assert.match(tooMany.message, /exceeded maximum resolution of 11,000 points/)
  // Special values survive as numbers.
  const nan = await c.query('0/0')
  assert.deepEqual(nan.data.kind === 'scalar' && Number.isNaN(nan.data.value), true)
  const inf = await c.query('vector(1/0) or vector(-1/0)')
  assert.deepEqual(inf.data.kind === 'vector' && inf.data.samples.map((s) => s.value), [Number.POSITIVE_INFINITY])
})

test('warnings and infos are returned and reach the collector warnings', async (t) => {
  const fake = await startFakePrometheus(t, (_request, response) =>
    sendJson(response, 200, {
      status: 'success',
      warnings: ['partial response: store gateway unavailable'],
      infos: ['PromQL info: metric might not be a counter'],
      data: {
        resultType: 'vector',
        result: [{metric: {model_name: 'm', namespace: 'n'}, value: [1700000000.5, '+Inf']}],
      },
    }),
  )
  const c = client(t, {url: fake.url})
  const result = await c.query('up', {time: new Date(1_700_000_000_500)})
  assert.deepEqual(result.warnings, ['partial response: store gateway unavailable'])
  assert.deepEqual(result.infos, ['PromQL info: metric might not be a counter'])
  assert.deepEqual(result.data, {
    kind: 'vector',
    samples: [{labels: {model_name: 'm', namespace: 'n'}, timeMs: 1_700_000_000_500, value: Number.POSITIVE_INFINITY}],
  })
  assert.match(fake.requests[0]!.body, /(^|&)time=1700000000\.500(&|$)/)
  const collected = await collectModelMetrics(c, [{namespace: 'n', modelID: 'm'}])
  assert.ok(collected.warnings.includes('arrivalRate: partial response: store gateway unavailable'))
  assert.ok(collected.warnings.includes('arrivalRate: n/m is +Inf; reported as unknown'))
  assert.equal(collected.models[0]!.arrivalRateRpm, undefined)
})

test('resets are retried like 5xx; past the retries the error says how many attempts were made', async (t) => {
  let resets = 2
  const fake = await startFakePrometheus(t, (_request, response) => {
    if (resets-- > 0) {
      response.socket?.destroy()
      return
    }
    sendJson(response, 200, emptyVector)
  })
  const c = client(t, {url: fake.url, retry: {retries: 3, baseDelayMs: 1, maxDelayMs: 2}})
  await c.query('up')
  assert.equal(c.requestCount, 3)
  resets = 10
  const error = await expectPrometheusError(c.query('up'))
  assert.match(error.message, /(UND_ERR_SOCKET|ECONNRESET)\) \(after 4 attempts\)$/)
  assert.equal(c.requestCount, 3 + 4)
})

test('queries are POSTed as forms under a path prefix with token, headers, and GET after 405', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kva-token-'))
  t.after(() => rmSync(dir, {recursive: true, force: true}))
  writeFileSync(join(dir, 'token'), `${token}\n`)
  const fake = await startFakePrometheus(t, (request, response) => {
    if (request.method === 'POST' && request.url.includes('query_range')) {
      response.writeHead(405).end()
      return
    }
    sendJson(response, 200, {status: 'success', data: {resultType: 'matrix', result: []}})
  })
  const base = `${fake.url}api/v1/namespaces/monitoring/services/https:prometheus-k8s:9091/proxy/`
  const c = client(t, {url: base, bearerTokenFile: join(dir, 'token'), headers: ['X-Scope-OrgID: tenant-a']})
  const longQuery = `sum(rate(vllm:request_success_total{model_name=~"${'m|'.repeat(3000)}x"}[1m]))`
  await c.query(longQuery)
  await c.queryRange('up', {start: new Date(1_700_000_000_000), end: new Date(1_700_000_060_000), stepSeconds: 15})
  const [post, rangePost, rangeGet] = fake.requests
  assert.equal(post!.method, 'POST')
  assert.equal(post!.url, '/api/v1/namespaces/monitoring/services/https:prometheus-k8s:9091/proxy/api/v1/query')
  assert.equal(post!.headers['content-type'], 'application/x-www-form-urlencoded')
  assert.equal(new URLSearchParams(post!.body).get('query'), longQuery)
  assert.equal(post!.headers.authorization, `Bearer ${token}`)
  assert.equal(post!.headers['x-scope-orgid'], 'tenant-a')
  assert.equal(rangePost!.method, 'POST')
  assert.equal(rangeGet!.method, 'GET')
  assert.match(rangeGet!.url, /\/proxy\/api\/v1\/query_range\?query=up&start=1700000000&end=1700000060&step=15$/)
  assert.equal(c.requestCount, 3)
})

test('TLS: an unknown CA is refused with a hint; a CA file, a client certificate or skip-verify work', async (t) => {
  const tls = makeTlsFiles(t)
  const fake = await startFakePrometheus(t, (_request, response) => sendJson(response, 200, emptyVector), {tls})
  const strict = client(t, {url: fake.url})
  const error = await expectPrometheusError(strict.query('up'))
  assert.match(error.message, /TLS certificate not trusted/)
  assert.match(error.hint!, /--prom-ca-file/)
  await client(t, {url: fake.url, caFile: tls.caFile}).query('up')
  await client(t, {url: fake.url, insecureSkipTlsVerify: true}).query('up')

  const mutual = await startFakePrometheus(t, (_request, response) => sendJson(response, 200, emptyVector), {
    tls,
    requireClientCert: true,
  })
  await client(t, {
    url: mutual.url,
    caFile: tls.caFile,
    certFile: tls.clientCertFile,
    keyFile: tls.clientKeyFile,
  }).query('up')
  assert.equal(mutual.requests[0]!.clientCertCN, 'kva-client')
  await expectPrometheusError(client(t, {url: mutual.url, caFile: tls.caFile}).query('up'))
  const missing = await expectPrometheusError(
    client(t, {url: mutual.url, caFile: join(tls.dir, 'nope.crt')}).query('up'),
  )
  assert.match(missing.message, /Prometheus CA file .*nope\.crt: cannot be read \(no such file, ENOENT\)/)
})

test('HTTP_PROXY is used unless NO_PROXY matches the host or the host is loopback, as kubectl', async (t) => {
  const fake = await startFakePrometheus(t, (_request, response) => sendJson(response, 200, emptyVector))
  const proxy = await startForwardProxy(t)
  // Only the proxy resolves prometheus.invalid.
  const proxiedUrl = `http://prometheus.invalid:${fake.port}/`
  await client(t, {url: proxiedUrl, proxy: {httpProxy: proxy.url, noProxy: ''}}).query('up')
  assert.deepEqual(proxy.seen, [`${proxiedUrl}api/v1/query`])
  const direct = client(t, {url: proxiedUrl, proxy: {httpProxy: proxy.url, noProxy: '.invalid'}}).query('up')
  assert.match((await expectPrometheusError(direct)).message, /host not found/)
  await client(t, {url: fake.url, proxy: {httpProxy: proxy.url, noProxy: ''}}).query('up')
  assert.equal(proxy.seen.length, 1)
  assert.equal(fake.requests.length, 2)
})

test('--prom-token-file: read by each run (a refreshed token is used), its token redacted from errors', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kva-token-'))
  t.after(() => rmSync(dir, {recursive: true, force: true}))
  const file = join(dir, 'token')
  // A gateway that quotes the token it refuses (raw, not after "Bearer"): only the run's secrets can redact it.
  const fake = await startFakePrometheus(t, (request, response) => {
    const sent = String(request.headers.authorization ?? '').replace(/^Bearer /, '')
    if (sent === 'rotated-token-2b9d') return sendJson(response, 200, emptyVector)
    response.writeHead(401, {'content-type': 'text/plain'})
    response.end(`token ${sent} has expired`)
  })
  writeFileSync(file, `${token}\n`)
  const error = await expectPrometheusError(client(t, {url: fake.url, bearerTokenFile: file}).query('up'))
  assert.match(error.message, /answered HTTP 401 with a text\/plain body, not the Prometheus API: token <redacted> has/)
  writeFileSync(file, 'rotated-token-2b9d\n')
  await client(t, {url: fake.url, bearerTokenFile: file}).query('up')
  assert.deepEqual(
    fake.requests.map((r) => r.headers.authorization),
    [`Bearer ${token}`, 'Bearer rotated-token-2b9d'],
  )
})

test('a long-lived client reads its token file again once the refresh period has passed', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kva-token-'))
  t.after(() => rmSync(dir, {recursive: true, force: true}))
  const file = join(dir, 'token')
  const fake = await startFakePrometheus(t, (_request, response) => sendJson(response, 200, emptyVector))
  writeFileSync(file, 'first-token-1111\n')
  // Period 0: every request reads the file (the default is 60 s, as client-go's cached token file).
  const c = client(t, {url: fake.url, bearerTokenFile: file, tokenFileRefreshMs: 0})
  await c.query('up')
  writeFileSync(file, 'second-token-2222\n')
  await c.query('up')
  rmSync(file)
  await c.query('up')
  const cached = client(t, {url: fake.url, bearerTokenFile: join(dir, 'kept')})
  writeFileSync(join(dir, 'kept'), 'kept-token-3333\n')
  await cached.query('up')
  writeFileSync(join(dir, 'kept'), 'newer-token-4444\n')
  await cached.query('up')
  assert.deepEqual(
    fake.requests.map((r) => r.headers.authorization),
    [
      'Bearer first-token-1111',
      'Bearer second-token-2222',
      // The file is gone: the token read before is kept, as client-go keeps it.
      'Bearer second-token-2222',
      'Bearer kept-token-3333',
      'Bearer kept-token-3333',
    ],
  )
})

test('range warnings and infos (Thanos partial responses) reach the history once per quantity', async (t) => {
  const fake = await startFakePrometheus(t, (_request, response) =>
    sendJson(response, 200, {
      status: 'success',
      warnings: ['partial response: store 10.0.0.7:10901 unavailable'],
      infos: ['PromQL info: metric might not be a counter, name does not end in _total'],
      data: {resultType: 'matrix', result: []},
    }),
  )
  const c = client(t, {url: fake.url, maxPointsPerRequest: 10})
  const start = new Date(1_700_000_000_000)
  const history = await collectModelMetricsHistory(c, [{namespace: 'n', modelID: 'm'}], {
    start,
    end: new Date(start.getTime() + 29 * 60_000),
    stepSeconds: 60,
    profile: 'wva-v0.0.1',
  })
  assert.equal(c.requestCount, 4 * 3)
  assert.deepEqual(history.warnings, [
    'arrivalRate: partial response: store 10.0.0.7:10901 unavailable',
    'arrivalRate: PromQL info: metric might not be a counter, name does not end in _total',
    'avgOutputTokens: partial response: store 10.0.0.7:10901 unavailable',
    'avgOutputTokens: PromQL info: metric might not be a counter, name does not end in _total',
    'ttft: partial response: store 10.0.0.7:10901 unavailable',
    'ttft: PromQL info: metric might not be a counter, name does not end in _total',
    'itl: partial response: store 10.0.0.7:10901 unavailable',
    'itl: PromQL info: metric might not be a counter, name does not end in _total',
  ])
})
