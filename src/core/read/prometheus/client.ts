import {readFile} from 'node:fs/promises'
import type {Agent as HttpAgent, ClientRequest} from 'node:http'
import type {Socket} from 'node:net'
import {createSecureContext} from 'node:tls'

import type {Dispatcher} from 'undici'

import {PrometheusError, errorMessage, fileProblem, shownValue} from '../../errors.js'
import {redactSecrets, Secrets, stripUrlUserinfo} from '../../redact.js'
import {formatApiTime} from './time.js'
import {interpretResponse} from './interpret.js'
import type {QueryResult} from './response.js'

/** Default per-request timeout, ms. WVA v0.5 uses 10 s per query; a CLI can afford a little more. */
export const defaultPrometheusTimeoutMs = 30_000

/** client-go's TLS handshake bound, applied to connecting to Prometheus (TCP and TLS) too. */
export const connectTimeoutMs = 10_000

/**
 * Points per series in one range request, by default: Prometheus refuses more than 11,000 steps, i.e. 11,001 points
 * (web/api/v1/api.go: "exceeded maximum resolution of 11,000 points per timeseries"); VictoriaMetrics more than
 * 30,000 points (-search.maxPointsPerTimeseries).
 */
export const defaultMaxPointsPerRequest = 11_000

/** How answers 429/502/503/504 and reset connections are retried (see docs/backends.md). */
export interface RetryPolicy {
  /** Retries after the first request; 0 disables retrying. Default 3. */
  retries: number
  /** First backoff, ms; doubled per retry, capped at maxDelayMs, with jitter. Default 500. */
  baseDelayMs: number
  maxDelayMs: number
  /** No retry starts when the wait would end later than this after the first request, ms. Default 30 s. */
  budgetMs: number
}

export const defaultRetryPolicy: Readonly<RetryPolicy> = {
  retries: 3,
  baseDelayMs: 500,
  maxDelayMs: 8000,
  budgetMs: 30_000,
}

/** HTTP statuses that say "try again later": rate limited, or a gateway in front of the backend failed. */
const retryableStatuses = new Set([429, 502, 503, 504])

/**
 * The wait a Retry-After header asks for, ms (delta-seconds or an HTTP date), undefined when absent or unreadable.
 */
export function retryAfterMs(header: string | undefined, nowMs: number): number | undefined {
  if (header === undefined) return undefined
  const text = header.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const date = Date.parse(text)
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs)
}

/** The backoff before retry number `retry` (1-based): exponential, capped, with "equal jitter" (half fixed). */
export function backoffMs(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1))
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}

function formatMs(milliseconds: number): string {
  return milliseconds % 1000 === 0 ? `${milliseconds / 1000}s` : `${milliseconds}ms`
}

/** Connection settings for one Prometheus-compatible endpoint (Prometheus, Thanos, an API-server service proxy). */
export interface PrometheusClientOptions {
  /** The run's secrets: the token, password and secret headers are added (a new registry when omitted). */
  secrets?: Secrets | undefined
  /** Root URL, possibly with a path prefix (`https://apiserver/api/v1/namespaces/m/services/https:p:9091/proxy/`). */
  url: string
  /** Sent as `Authorization: Bearer …`. Registered as a secret so no message can quote it. */
  bearerToken?: string | undefined
  /**
   * Read on the first request, then again once tokenFileRefreshMs has passed (client-go's cached token file): a long
   * run (`-w`) picks up a token that a sidecar or script rotates. A failed re-read keeps the token read before.
   */
  bearerTokenFile?: string | undefined
  /** How long a token read from bearerTokenFile is used before the file is read again; default 60 s. */
  tokenFileRefreshMs?: number | undefined
  /** Extra headers as `Name: value` (e.g. `X-Scope-OrgID: tenant-a`). */
  headers?: readonly string[] | undefined
  caFile?: string | undefined
  certFile?: string | undefined
  keyFile?: string | undefined
  /** Skip TLS verification. Off unless asked for, even though the WVA chart defaults to on. */
  insecureSkipTlsVerify?: boolean | undefined
  /** TLS SNI and certificate name, when it differs from the URL host. */
  tlsServerName?: string | undefined
  /** Per request, including connect; default defaultPrometheusTimeoutMs. */
  timeoutMs?: number | undefined
  /** The timeout as the user gave it (`15s`, `1m30s`), echoed in messages; formatted from timeoutMs when absent. */
  timeoutText?: string | undefined
  /** Most points per series one range request may ask for (chunks are split below it); default 11,000. */
  maxPointsPerRequest?: number | undefined
  /** Retries of 429/502/503/504 and reset connections; defaultRetryPolicy for the fields not given. */
  retry?: Partial<RetryPolicy> | undefined
  /** Overrides HTTPS_PROXY / HTTP_PROXY / NO_PROXY (and their lower-case forms) from the environment. */
  proxy?: {httpProxy?: string; httpsProxy?: string; noProxy?: string} | undefined
  /**
   * A ready transport whose TLS settings and auth headers are used as they are: the API server's, for a
   * service-proxy URL reached with the user's kube credentials.
   */
  transport?: {dispatcher?: Dispatcher | undefined; headers: Readonly<Record<string, string>>} | undefined
  /**
   * Send queries as GET. Through the API server's service proxy a POST is a write verb in the audit log and RBAC
   * (services/proxy "create"), and kubectl-va only ever reads a cluster.
   */
  readOnlyMethods?: boolean | undefined
}

/** The per-backend settings of the PROMETHEUS flags that the run passes to the client unchanged. */
export type PrometheusTuning = Pick<PrometheusClientOptions, 'timeoutText' | 'maxPointsPerRequest' | 'retry'>

export interface InstantQueryOptions {
  /** Evaluation time; the server's "now" when absent. */
  time?: Date | undefined
}

export interface RangeQueryOptions {
  start: Date
  end: Date
  stepSeconds: number
  /**
   * Ask for the evaluation times start + k × step exactly: sends `nocache=1`, which VictoriaMetrics needs to not
   * move start back to a multiple of the step (its result cache); Prometheus, Thanos and Mimir ignore the parameter.
   */
  exactTimes?: boolean | undefined
}

export interface PrometheusClient {
  /** The root URL without credentials, for messages and `describe`. */
  readonly displayUrl: string
  /** HTTP requests sent so far, retries and GET fallbacks included (tests and bench). */
  readonly requestCount: number
  /** Most points per series one range request may ask for (the backend's limit, or --prom-max-points). */
  readonly maxPointsPerRequest: number
  query(promql: string, options?: InstantQueryOptions): Promise<QueryResult>
  queryRange(promql: string, options: RangeQueryOptions): Promise<QueryResult>
  close(): Promise<void>
}

/** Parses `Name: value` header flags, rejecting anything that is not one header. */
export function parseHeaderFlags(headers: readonly string[], secrets: Secrets = new Secrets()): Record<string, string> {
  const out: Record<string, string> = {}
  for (const header of headers) {
    const colon = header.indexOf(':')
    const name = colon > 0 ? header.slice(0, colon).trim() : ''
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name) || /[\r\n]/.test(header)) {
      throw new PrometheusError(`Prometheus header ${shownValue(name)}: not a header`, {
        hint: 'write it as "Name: value" on one line',
      })
    }
    const value = header.slice(colon + 1).trim()
    if (/authorization|cookie|token|secret|key|password/i.test(name)) secrets.add(value)
    out[name] = value
  }
  return out
}

/** The URL as it may be shown: no userinfo, no query string, a trailing slash on the path. */
export function displayableUrl(url: URL): string {
  const path = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`
  return `${url.protocol}//${url.host}${path}`
}

function parseBaseUrl(text: string): URL {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new PrometheusError(`Prometheus URL ${shownValue(stripUrlUserinfo(redactSecrets(text)))}: not a URL`, {
      hint: 'pass e.g. --prom-url=http://localhost:9090',
    })
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new PrometheusError(`Prometheus URL ${displayableUrl(url)}: the scheme must be http or https`, {
      hint: 'pass e.g. --prom-url=https://prometheus.example.com',
    })
  }
  return url
}

const fileFlags: Readonly<Record<string, string>> = {
  'bearer token file': '--prom-token-file (or KUBECTL_VA_PROM_TOKEN_FILE)',
  'CA file': '--prom-ca-file (or KUBECTL_VA_PROM_CA_FILE)',
  'client certificate file': '--prom-cert-file (or KUBECTL_VA_PROM_CERT_FILE)',
  'client key file': '--prom-key-file (or KUBECTL_VA_PROM_KEY_FILE)',
}

async function readOptionalFile(path: string | undefined, what: string): Promise<string | undefined> {
  if (path === undefined) return undefined
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const problem = code === undefined ? errorMessage(error) : fileProblem(code)
    throw new PrometheusError(`Prometheus ${what} ${path}: cannot be read (${problem})`, {
      hint: `check the path given with ${fileFlags[what] ?? 'its flag'}`,
    })
  }
}

/** Checks CA, certificate and key before connecting, so that a broken file is blamed on itself, not on Prometheus. */
type TlsFiles = {ca?: string | undefined; cert?: string | undefined; key?: string | undefined}

function checkTlsFiles(files: TlsFiles, paths: PrometheusClientOptions): void {
  const fail = (what: string, path: string | undefined, why: string) =>
    new PrometheusError(`Prometheus ${what} ${path ?? ''}: ${why}`, {
      hint: `pass a PEM file with ${fileFlags[what] ?? 'its flag'}`,
    })
  if (files.ca !== undefined && !files.ca.includes('-----BEGIN CERTIFICATE-----')) {
    throw fail('CA file', paths.caFile, 'holds no PEM certificate')
  }
  if ((files.cert === undefined) !== (files.key === undefined)) {
    const [what, path] =
      files.cert === undefined ? ['client key file', paths.keyFile] : ['client certificate file', paths.certFile]
    throw new PrometheusError(`Prometheus ${what} ${path ?? ''}: given without its pair`, {
      hint: 'pass both --prom-cert-file and --prom-key-file, or neither',
    })
  }
  const tries: Array<[string, string | undefined, object]> = [
    ['CA file', paths.caFile, {ca: files.ca}],
    ['client certificate file', paths.certFile, {cert: files.cert}],
    ['client key file', paths.keyFile, {key: files.key}],
    ['client key file', paths.keyFile, {cert: files.cert, key: files.key}],
  ]
  for (const [what, path, options] of tries) {
    if (Object.values(options).some((value) => value === undefined)) continue
    try {
      createSecureContext(options)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? ''
      const notPem = /PEM|DECODER|ASN1|UNSUPPORTED/.test(code)
      const unusable = notPem ? 'is not valid PEM' : `cannot be used (${code})`
      const why = /MISMATCH/.test(code) ? 'does not match the client certificate' : unusable
      throw fail(what, path, why)
    }
  }
}

const retryableCodes = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE'])
/** Failures to connect at all: no other query to the same Prometheus can do better. */
const connectionCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'])
connectionCodes.add('UND_ERR_CONNECT_TIMEOUT')
/** Node's http/https client: no TCP connection and TLS handshake within the connect bound (undici's own code). */
const connectTimeoutCode = 'UND_ERR_CONNECT_TIMEOUT'
const timeoutCodes = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ETIMEDOUT',
])
const tlsCodes = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
])

function errorCode(error: unknown): string | undefined {
  let current: unknown = error
  for (let depth = 0; depth < 4 && current !== null && typeof current === 'object'; depth++) {
    const {code, name} = current as {code?: unknown; name?: unknown}
    if (typeof code === 'string') return code
    if (name === 'TimeoutError') return 'ETIMEDOUT'
    current = (current as {cause?: unknown}).cause
  }
  return undefined
}

/**
 * A Prometheus HTTP API client over Node's http/https, or over undici when a proxy applies (HTTPS_PROXY etc., as
 * kubectl reads them) or the API server's transport is given; undici is imported then only. Queries are POSTed as
 * form bodies (long batched selectors fit), with a fallback to GET on 405/501 as client_golang does. Answers
 * 429/502/503/504 and reset connections are retried with exponential backoff and jitter, at least as long as a
 * Retry-After header asks, within the RetryPolicy's attempts and time budget; timeouts are not retried.
 */
export function createPrometheusClient(options: PrometheusClientOptions): PrometheusClient {
  const baseUrl = parseBaseUrl(options.url)
  const displayUrl = displayableUrl(baseUrl)
  const timeoutMs = options.timeoutMs ?? defaultPrometheusTimeoutMs
  const shownTimeout = options.timeoutText ?? formatMs(timeoutMs)
  const maxPointsPerRequest = options.maxPointsPerRequest ?? defaultMaxPointsPerRequest
  const retry: RetryPolicy = {...defaultRetryPolicy, ...options.retry}
  const secrets = options.secrets ?? new Secrets()
  const staticHeaders: Record<string, string> = parseHeaderFlags(options.headers ?? [], secrets)
  secrets.add(options.bearerToken)
  if (baseUrl.username !== '' || baseUrl.password !== '') {
    const userinfo = `${decodeURIComponent(baseUrl.username)}:${decodeURIComponent(baseUrl.password)}`
    secrets.add(decodeURIComponent(baseUrl.password))
    secrets.add(Buffer.from(userinfo).toString('base64'))
    staticHeaders.authorization ??= `Basic ${Buffer.from(userinfo).toString('base64')}`
  }
  let requestCount = 0
  type Prepared = {send: Send; headers: Record<string, string>; close: (destroy: boolean) => Promise<void>}
  let prepared: Promise<Prepared> | undefined

  let tokenReadMs = 0
  const tokenFileRefreshMs = options.tokenFileRefreshMs ?? 60_000

  /** Reads the token file again when the token in use is older than tokenFileRefreshMs. */
  async function refreshToken(headers: Record<string, string>): Promise<void> {
    if (options.bearerToken !== undefined || options.bearerTokenFile === undefined) return
    if (Date.now() - tokenReadMs < tokenFileRefreshMs) return
    tokenReadMs = Date.now()
    const token = await readFile(options.bearerTokenFile, 'utf8').then(
      (text) => text.trim(),
      () => undefined,
    )
    if (token === undefined || token === '') return
    secrets.add(token)
    headers.authorization = `Bearer ${token}`
  }

  async function prepare() {
    const [token, ca, cert, key] = await Promise.all([
      readOptionalFile(options.bearerTokenFile, 'bearer token file'),
      readOptionalFile(options.caFile, 'CA file'),
      readOptionalFile(options.certFile, 'client certificate file'),
      readOptionalFile(options.keyFile, 'client key file'),
    ])
    checkTlsFiles({ca, cert, key}, options)
    const bearer = options.bearerToken ?? token?.trim()
    secrets.add(bearer)
    tokenReadMs = Date.now()
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...lowerCaseKeys(options.transport?.headers ?? {}),
      ...staticHeaders,
    }
    if (bearer !== undefined && bearer !== '') headers.authorization = `Bearer ${bearer}`
    const transportDispatcher = options.transport?.dispatcher
    if (transportDispatcher) return {headers, ...(await undiciSender(transportDispatcher, timeoutMs))}
    const tls = {
      ...(ca === undefined ? {} : {ca}),
      ...(cert === undefined ? {} : {cert}),
      ...(key === undefined ? {} : {key}),
      ...(options.tlsServerName === undefined ? {} : {servername: options.tlsServerName}),
      rejectUnauthorized: options.insecureSkipTlsVerify !== true,
    }
    // TCP and the TLS handshake within client-go's 10 s (less if --prom-timeout is shorter): a server that never
    // finishes TLS fails as fast as the API server would.
    const connectBoundMs = Math.min(timeoutMs, connectTimeoutMs)
    // HTTPS_PROXY / HTTP_PROXY / NO_PROXY as kubectl reads them for the API server (loopback hosts never proxied).
    const {environmentProxy} = await import('../proxy.js')
    const proxyEnv = options.proxy
      ? {HTTPS_PROXY: options.proxy.httpsProxy, HTTP_PROXY: options.proxy.httpProxy, NO_PROXY: options.proxy.noProxy}
      : process.env
    const proxyUri = environmentProxy(baseUrl.href, proxyEnv)
    if (proxyUri === undefined) return {headers, ...nodeSender(baseUrl, tls, connectBoundMs)}
    const {ProxyAgent} = await import('undici')
    // `connect` carries the bound to the proxy connection, `requestTls` the TLS to a target tunnelled through it.
    const dispatcher = new ProxyAgent({
      uri: proxyUri,
      connect: {...tls, timeout: connectBoundMs},
      requestTls: tls,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    })
    return {headers, ...(await undiciSender(dispatcher, timeoutMs))}
  }

  function endpoint(path: string): URL {
    const url = new URL(displayUrl + path)
    return url
  }

  function transportError(error: unknown, url: string): PrometheusError {
    const code = errorCode(error)
    const where = `Prometheus at ${url}`
    if (code === 'ECONNREFUSED') {
      return new PrometheusError(`${where}: connection refused`, {
        hint: 'check --prom-url, or forward a port: kubectl port-forward -n monitoring svc/prometheus-operated 9090',
        cause: error,
      })
    }
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      return new PrometheusError(`${where}: host not found`, {
        hint: 'in-cluster *.svc names do not resolve outside the cluster; use the API-server proxy URL or port-forward',
        cause: error,
      })
    }
    if (code === 'UND_ERR_CONNECT_TIMEOUT') {
      const bound = timeoutMs <= connectTimeoutMs ? shownTimeout : formatMs(connectTimeoutMs)
      return new PrometheusError(`${where}: no connection (TCP and TLS handshake) within ${bound}`, {
        hint: 'check --prom-url (the host, the port, http or https) and the network path to Prometheus',
        cause: error,
      })
    }
    if (code !== undefined && timeoutCodes.has(code)) {
      return new PrometheusError(`${where}: no answer within ${shownTimeout}`, {
        hint: 'raise --prom-timeout, narrow the scope, or check the network path to Prometheus',
        cause: error,
      })
    }
    if (code !== undefined && tlsCodes.has(code)) {
      return new PrometheusError(`${where}: TLS certificate not trusted (${code})`, {
        hint: 'pass the CA with --prom-ca-file, or --prom-insecure-skip-verify if you accept the risk',
        cause: error,
      })
    }
    if (code?.startsWith('ERR_SSL_')) {
      // Node's client sees the TLS alert itself (undici saw only the socket closing): e.g. a client certificate
      // required, or https to a plain-http port.
      return new PrometheusError(`${where}: TLS handshake failed (${code})`, {
        hint: 'check http or https in --prom-url; pass --prom-cert-file and --prom-key-file if Prometheus wants them',
        cause: error,
      })
    }
    const detail = secrets.redact(errorMessage(error)).split('\n')[0]?.trim() ?? ''
    return new PrometheusError(`${where}: ${detail}${code === undefined ? '' : ` (${code})`}`, {
      hint: 'check --prom-url and that Prometheus is reachable from here',
      cause: error,
    })
  }

  // Once Prometheus cannot be connected to at all, every other query fails with the same error at once, instead of
  // each waiting for its own connection bound (collectors run several waves of queries).
  let unreachable: PrometheusError | undefined
  const gaveUp = new AbortController()

  async function send(path: string, params: URLSearchParams): Promise<QueryResult> {
    prepared ??= prepare()
    const {send: sendRequest, headers} = await prepared
    await refreshToken(headers)
    if (unreachable !== undefined) throw unreachable
    const url = endpoint(path)
    const shownUrl = displayUrl + path
    let method: 'POST' | 'GET' = options.readOnlyMethods ? 'GET' : 'POST'
    const firstMs = Date.now()
    let retries = 0
    // Waits for the next attempt (the backoff, or longer if Retry-After asks) and says true; false without waiting
    // when the retries or the time budget are spent.
    const retryAfter = async (waitAtLeastMs: number | undefined): Promise<boolean> => {
      if (retries >= retry.retries) return false
      const waitMs = Math.max(waitAtLeastMs ?? 0, backoffMs(retry, retries + 1))
      if (Date.now() + waitMs - firstMs > retry.budgetMs) return false
      retries++
      await new Promise((resolve) => setTimeout(resolve, waitMs))
      return unreachable === undefined
    }
    const attempts = () => (retries === 0 ? '' : ` (after ${retries + 1} attempts)`)
    for (;;) {
      requestCount++
      let response: Answer
      try {
        const target = method === 'GET' ? new URL(`${url.href}?${params.toString()}`) : url
        response = await sendRequest(target, {
          method,
          headers: method === 'POST' ? {...headers, 'content-type': 'application/x-www-form-urlencoded'} : headers,
          body: method === 'POST' ? params.toString() : undefined,
          signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), gaveUp.signal]),
        })
      } catch (error) {
        if (unreachable !== undefined) throw unreachable
        const code = errorCode(error)
        if (code !== undefined && retryableCodes.has(code) && (await retryAfter(undefined))) continue
        const failure = transportError(error, shownUrl)
        if (code !== undefined && (connectionCodes.has(code) || tlsCodes.has(code) || code.startsWith('ERR_SSL_'))) {
          unreachable = failure
          gaveUp.abort(failure)
        }
        throw withAttempts(failure, attempts(), secrets)
      }
      const status = response.statusCode
      if (method === 'POST' && (status === 405 || status === 501)) {
        method = 'GET'
        continue
      }
      if (retryableStatuses.has(status)) {
        const asked = retryAfterMs(response.retryAfter, Date.now())
        if (await retryAfter(asked)) continue
      }
      const interpreted = interpretResponse({status, contentType: response.contentType, body: response.text}, shownUrl)
      // The body may quote the token (a gateway's "token … has expired"): redacted with this run's secrets.
      if (!interpreted.ok) throw withAttempts(interpreted.error, attempts(), secrets)
      return interpreted.result
    }
  }

  return {
    displayUrl,
    get requestCount() {
      return requestCount
    },
    maxPointsPerRequest,
    query(promql, queryOptions = {}) {
      const params = new URLSearchParams({query: promql})
      if (queryOptions.time !== undefined) params.set('time', formatApiTime(queryOptions.time))
      return send('api/v1/query', params)
    },
    queryRange(promql, {start, end, stepSeconds, exactTimes}) {
      const params = new URLSearchParams({
        query: promql,
        start: formatApiTime(start),
        end: formatApiTime(end),
        step: String(stepSeconds),
      })
      if (exactTimes === true) params.set('nocache', '1')
      return send('api/v1/query_range', params)
    },
    async close() {
      if (prepared !== undefined) {
        const ready = await prepared.catch(() => undefined)
        // close() would wait for queued connection attempts to a Prometheus known to be unreachable.
        await ready?.close(unreachable !== undefined)
      }
    },
  }
}

/** The error of the last attempt, saying how many were made when it was retried, without the run's secrets. */
function withAttempts(error: PrometheusError, attempts: string, secrets: Secrets): PrometheusError {
  const message = secrets.redact(`${error.message}${attempts}`)
  if (message === error.message) return error
  return new PrometheusError(message, {
    ...(error.hint === undefined ? {} : {hint: error.hint}),
    cause: error.cause,
  })
}

function lowerCaseKeys(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]))
}

/** One HTTP exchange, as the client needs it. */
interface Answer {
  statusCode: number
  contentType: string
  text: string
  /** The Retry-After header, when the server sent one. */
  retryAfter?: string | undefined
}

interface Exchange {
  method: 'POST' | 'GET'
  headers: Record<string, string>
  body: string | undefined
  signal: AbortSignal
}

type Send = (url: URL, exchange: Exchange) => Promise<Answer>

/** Through an undici dispatcher: a proxy, or the API server's transport for a service-proxy URL. */
async function undiciSender(
  dispatcher: Dispatcher,
  timeoutMs: number,
): Promise<{send: Send; close: (destroy: boolean) => Promise<void>}> {
  const {request} = await import('undici')
  return {
    async send(url, {method, headers, body, signal}) {
      const response = await request(url, {
        method,
        dispatcher,
        headers,
        ...(body === undefined ? {} : {body}),
        signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      })
      const text = await response.body.text()
      const retryAfter = response.headers['retry-after']
      return {
        statusCode: response.statusCode,
        contentType: String(response.headers['content-type'] ?? ''),
        text,
        retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
      }
    },
    close: (destroy) => (destroy ? dispatcher.destroy() : dispatcher.close()),
  }
}

type NodeTls = {ca?: string; cert?: string; key?: string; servername?: string; rejectUnauthorized: boolean}

/**
 * Node's own http/https client when no proxy applies: it is already loaded, where undici costs a live `get` ~40 ms
 * of module loading. One keep-alive agent per client; TCP and the TLS handshake bounded by connectBoundMs.
 */
function nodeSender(
  baseUrl: URL,
  tls: NodeTls,
  connectBoundMs: number,
): {send: Send; close: (destroy: boolean) => Promise<void>} {
  const isHttps = baseUrl.protocol === 'https:'
  // Not import('node:http'): its ESM facade reads every export, and the lazy WebSocket/EventSource ones load Node's
  // bundled undici (~10 ms).
  const http = isHttps ? process.getBuiltinModule('node:https') : process.getBuiltinModule('node:http')
  const agent: HttpAgent = isHttps
    ? new (http as typeof import('node:https')).Agent({keepAlive: true, ...tls})
    : new http.Agent({keepAlive: true})
  return {
    send: (url, {method, headers, body, signal}) =>
      new Promise<Answer>((resolve, reject) => {
        const fail = (error: unknown) => reject(signal.aborted ? signal.reason : error)
        const length = body === undefined ? {} : {'content-length': String(Buffer.byteLength(body))}
        const request = http.request(url, {method, headers: {...headers, ...length}, agent, signal}, (response) => {
          const chunks: Buffer[] = []
          response.on('data', (chunk: Buffer) => chunks.push(chunk))
          response.on('end', () =>
            resolve({
              statusCode: response.statusCode ?? 0,
              contentType: String(response.headers['content-type'] ?? ''),
              text: Buffer.concat(chunks).toString('utf8'),
              retryAfter: response.headers['retry-after'],
            }),
          )
          response.on('error', fail)
        })
        request.on('error', fail)
        request.on('socket', (socket) => boundConnect(request, socket, isHttps, connectBoundMs))
        request.end(body)
      }),
    async close() {
      agent.destroy()
    },
  }
}

/** Fails a request whose new connection has no TCP and finished TLS handshake within boundMs. */
function boundConnect(request: ClientRequest, socket: Socket, isHttps: boolean, boundMs: number): void {
  const tlsSocket = socket as Socket & {encrypted?: boolean; pending?: boolean}
  const secure = () => tlsSocket.encrypted === true && tlsSocket.pending !== true
  const ready = () => socket.readyState === 'open' && (!isHttps || secure())
  if (!socket.connecting && ready()) return
  const timer = setTimeout(() => {
    const error = new Error(`no connection (TCP and TLS handshake) within ${formatMs(boundMs)}`)
    request.destroy(Object.assign(error, {code: connectTimeoutCode}))
  }, boundMs)
  const clear = () => clearTimeout(timer)
  socket.once(isHttps ? 'secureConnect' : 'connect', clear)
  socket.once('close', clear)
  request.once('close', clear)
}
