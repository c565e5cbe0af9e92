import assert from 'node:assert/strict'
import {test} from 'node:test'

import {PrometheusError} from '../../../../src/core/errors.js'
import {bodySnippet, interpretResponse, type PrometheusAnswer} from '../../../../src/core/read/prometheus/interpret.js'
import {ResponseShapeError} from '../../../../src/core/read/prometheus/response.js'

// The interpreter alone, without a server: every answer shape test/integration/prometheus/client.test.ts sends
// through HTTP, plus the ones only a unit test reaches cheaply.
const url = 'http://prom.example:9090/prefix/api/v1/query'
const where = `Prometheus at ${url}`
const json = (status: number, body: unknown, contentType = 'application/json'): PrometheusAnswer => ({
  status,
  contentType,
  body: JSON.stringify(body),
})
const text = (status: number, contentType: string, body: string): PrometheusAnswer => ({status, contentType, body})

function failure(answer: PrometheusAnswer): PrometheusError {
  const outcome = interpretResponse(answer, url)
  assert.equal(outcome.ok, false, `expected an error for ${answer.body}`)
  if (outcome.ok) throw new Error('unreachable')
  assert.ok(outcome.error instanceof PrometheusError)
  assert.equal(outcome.error.kind, 'prometheus')
  assert.equal(outcome.error.message.includes('\n'), false, 'message is one line')
  assert.ok(outcome.error.hint, 'has a hint')
  return outcome.error
}

function success(answer: PrometheusAnswer) {
  const outcome = interpretResponse(answer, url)
  if (!outcome.ok) assert.fail(`unexpected error: ${outcome.error.message}`)
  return outcome.result
}

test('a success vector, matrix, scalar and string become typed data; special values become numbers', () => {
  const vector = success(
    json(200, {
      status: 'success',
      data: {
        resultType: 'vector',
        result: [{metric: {model_name: 'm', namespace: 'n'}, value: [1700000000.5, '+Inf']}],
      },
    }),
  )
  assert.deepEqual(vector, {
    data: {
      kind: 'vector',
      samples: [{labels: {model_name: 'm', namespace: 'n'}, timeMs: 1_700_000_000_500, value: Infinity}],
    },
    warnings: [],
    infos: [],
  })
  const matrix = success(
    json(200, {
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [
          {
            metric: {a: 'b'},
            values: [
              [10, '1'],
              [25, 'NaN'],
              [40, '-Inf'],
            ],
          },
        ],
      },
    }),
  )
  assert.deepEqual(matrix.data, {
    kind: 'matrix',
    series: [
      {
        labels: {a: 'b'},
        points: [
          {timeMs: 10_000, value: 1},
          {timeMs: 25_000, value: Number.NaN},
          {timeMs: 40_000, value: -Infinity},
        ],
      },
    ],
  })
  const scalar = success(json(200, {status: 'success', data: {resultType: 'scalar', result: [12, 'NaN']}}))
  assert.equal(scalar.data.kind === 'scalar' && Number.isNaN(scalar.data.value), true)
  assert.deepEqual(success(json(200, {status: 'success', data: {resultType: 'string', result: [12, 'hi']}})).data, {
    kind: 'string',
    timeMs: 12_000,
    value: 'hi',
  })
  // Empty results, and a charset on the content type, are ordinary successes.
  const empty = {status: 'success', data: {resultType: 'matrix', result: []}}
  assert.deepEqual(success(json(200, empty, 'application/json; charset=utf-8')).data, {kind: 'matrix', series: []})
})

test('warnings and infos are returned with the data; non-string entries are dropped', () => {
  const result = success(
    json(200, {
      status: 'success',
      warnings: ['partial response: store gateway unavailable', 7, null],
      infos: ['PromQL info: metric might not be a counter'],
      data: {resultType: 'vector', result: []},
    }),
  )
  assert.deepEqual(result.warnings, ['partial response: store gateway unavailable'])
  assert.deepEqual(result.infos, ['PromQL info: metric might not be a counter'])
})

test('HTTP errors and non-API bodies give the same messages as through the client', () => {
  const token = 'sekret-token-7f3a9c'
  const notAuthorized = 'User is not authorized to perform aps:QueryMetrics'
  const cases: Array<[PrometheusAnswer, string, RegExp]> = [
    [
      text(401, 'text/plain', 'Unauthorized\n'),
      'answered HTTP 401 with a text/plain body, not the Prometheus API: Unauthorized',
      /--prom-token-file/,
    ],
    [
      text(403, 'text/html', `<html><body>Forbidden for Bearer ${token}</body></html>`),
      'answered HTTP 403 with a text/html body, not the Prometheus API: Forbidden for Bearer <redacted>',
      /--prom-token-file/,
    ],
    [
      text(404, 'text/plain', '404 page not found\n'),
      'answered HTTP 404 with a text/plain body, not the Prometheus API: 404 page not found',
      /before \/api\/v1/,
    ],
    [
      text(407, 'text/plain', 'Proxy Authentication Required'),
      'answered HTTP 407 with a text/plain body, not the Prometheus API: Proxy Authentication Required',
      /HTTPS_PROXY/,
    ],
    [
      text(429, 'text/plain; charset=utf-8', 'Too Many Requests'),
      'answered HTTP 429 with a text/plain body, not the Prometheus API: Too Many Requests',
      /points at the Prometheus HTTP API/,
    ],
    [
      text(502, 'text/html', '<html><body><h1>502 Bad Gateway</h1></body></html>'),
      'answered HTTP 502 with a text/html body, not the Prometheus API: 502 Bad Gateway',
      /retry, or check its logs/,
    ],
    [text(503, '', ''), 'answered HTTP 503 with a non-JSON body, not the Prometheus API', /retry, or check its logs/],
    [
      text(200, 'text/html', '<!doctype html><html><title>Grafana</title></html>'),
      'answered HTTP 200 with a text/html body, not the Prometheus API: Grafana',
      /a proxy or web page answered; --prom-url must be the Prometheus root/,
    ],
    [
      json(403, {message: notAuthorized}),
      `answered HTTP 403 with JSON, not a Prometheus API response: ${notAuthorized}`,
      /--prom-token-file/,
    ],
    [json(200, {hello: 'world'}), 'answered HTTP 200 with JSON, not a Prometheus API response', /Prometheus HTTP API/],
    [json(200, null), 'answered HTTP 200 with JSON, not a Prometheus API response', /Prometheus HTTP API/],
    [json(200, [1, 2]), 'answered HTTP 200 with JSON, not a Prometheus API response', /Prometheus HTTP API/],
    [
      json(500, {status: 'success', data: {resultType: 'vector', result: []}}),
      'answered HTTP 500',
      /retry, or check its logs/,
    ],
    [json(429, {status: 'success', data: {resultType: 'vector', result: []}}), 'answered HTTP 429', /--prom-url/],
  ]
  for (const [answer, message, hint] of cases) {
    const error = failure(answer)
    assert.equal(error.message, `${where}: ${message}`)
    assert.match(error.hint!, hint, message)
    assert.ok(!`${error.message}\n${error.hint}`.includes(token), 'token leaked')
  }
})

test('an API error carries its type and message, with a hint for the type or the status', () => {
  const apiError = (status: number, errorType: string | undefined, error: string | undefined) =>
    failure(json(status, {status: 'error', errorType, error}))
  const badData = apiError(400, 'bad_data', 'invalid parameter "query": 1:29: parse error: unclosed left parenthesis')
  assert.equal(
    badData.message,
    `${where}: the query was rejected (HTTP 400, bad_data): ` +
      'invalid parameter "query": 1:29: parse error: unclosed left parenthesis',
  )
  assert.match(badData.hint!, /rejected as invalid; run it with --verbose/)
  assert.match(apiError(422, 'execution', 'many-to-many matching').hint!, /narrow the scope \(-n, fewer VAs\)/)
  assert.match(apiError(503, 'timeout', 'query timed out').hint!, /raise the server's query timeout/)
  assert.match(apiError(503, 'canceled', 'query canceled').hint!, /raise the server's query timeout/)
  const unauthorized = apiError(401, 'unauthorized', 'no token')
  assert.equal(unauthorized.message, `${where}: the query was rejected (HTTP 401, unauthorized): no token`)
  assert.match(unauthorized.hint!, /--prom-token/)
  assert.match(apiError(403, undefined, 'denied').hint!, /--prom-token/)
  const bare = apiError(500, undefined, undefined)
  assert.equal(bare.message, `${where}: the query was rejected (HTTP 500, unknown): no message`)
  assert.match(bare.hint!, /retry, or check its logs/)
  assert.equal(apiError(400, 'odd', 'x').hint, 'check --prom-url and the query')
  // An API error wins over the status: Prometheus answers 200 with status "error" through some proxies.
  assert.match(apiError(200, 'bad_data', 'x').message, /rejected \(HTTP 200, bad_data\): x$/)
})

test('a malformed success (nulls, wrong types, unknown resultType) is an unexpected result', () => {
  const cases: Array<[unknown, string]> = [
    [null, '"data" is missing'],
    [{resultType: 'vector', result: null}, 'vector result is not an array'],
    [{resultType: 'vector', result: [null]}, 'vector result[0] is null, not a series'],
    [{resultType: 'vector', result: [{metric: {}, value: [1, null]}]}, 'sample value is null, not a string'],
    [{resultType: 'vector', result: [{metric: {a: null}, value: [1, '1']}]}, 'label "a" is null, not a string'],
    [{resultType: 'vector', result: [{metric: null, value: [1, '1']}]}, 'series has no metric object'],
    [{resultType: 'matrix', result: [{metric: {}}]}, 'matrix series has no "values" array'],
    [{resultType: 'matrix', result: [{metric: {}, values: [null]}]}, 'sample is not a [time, "value"] pair'],
    [{resultType: 'scalar', result: null}, 'sample is not a [time, "value"] pair'],
    [{resultType: 'histogram', result: []}, 'unknown resultType "histogram"'],
  ]
  for (const [data, reason] of cases) {
    const error = failure(json(200, {status: 'success', data}))
    assert.equal(error.message, `${where}: unexpected result: ${reason}`)
    assert.match(error.hint!, /Thanos, Mimir/)
    assert.ok(error.cause instanceof ResponseShapeError)
  }
  assert.equal(failure(json(200, {status: 'success'})).message, `${where}: unexpected result: "data" is missing`)
})

test('body snippets are one line, without markup, at most 120 characters, with secrets redacted', () => {
  assert.equal(bodySnippet('<p>a\n\n  b</p>'), 'a b')
  const long = bodySnippet('x'.repeat(500))
  assert.equal(long.length, 120)
  assert.ok(long.endsWith('...'))
  assert.equal(bodySnippet('Authorization: Bearer abc.def.ghi'), 'Authorization: Bearer <redacted>')
  const error = failure(text(502, 'text/html', `<h1>${'y'.repeat(300)}</h1>`))
  assert.ok(error.message.endsWith(`: ${'y'.repeat(117)}...`))
})
