import {PrometheusError} from '../../errors.js'
import {redactSecrets} from '../../redact.js'
import {parseEnvelope, parseQueryData, type QueryResult, ResponseShapeError} from './response.js'

/** One HTTP answer from a Prometheus-compatible endpoint, as the transport received it. */
export interface PrometheusAnswer {
  status: number
  /** The Content-Type header, '' when absent. */
  contentType: string
  body: string
}

/** A query's answer, interpreted: the typed result, or the PrometheusError to throw. */
export type Interpreted = {ok: true; result: QueryResult} | {ok: false; error: PrometheusError}

/** One line of a response body, short and without secrets, for error messages. */
export function bodySnippet(body: string): string {
  const line = body
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  return redactSecrets(line.length > 120 ? `${line.slice(0, 117)}...` : line)
}

function hintForErrorType(errorType: string | undefined, status: number): string {
  switch (errorType) {
    case 'bad_data':
      return 'the query was rejected as invalid; run it with --verbose and check the model ID and namespace it contains'
    case 'execution':
      return 'the query failed while running; narrow the scope (-n, fewer VAs) or the time range'
    case 'timeout':
    case 'canceled':
      return "Prometheus gave up on the query; narrow the scope or time range, or raise the server's query timeout"
    default:
      return status >= 500
        ? 'Prometheus or a proxy in front of it failed; retry, or check its logs'
        : 'check --prom-url and the query'
  }
}

function hintForStatus(status: number): string {
  if (status === 401 || status === 403) {
    return 'pass credentials: --prom-token, --prom-token-file, an Authorization --prom-header, or a client certificate'
  }
  if (status === 404)
    return '--prom-url must be the Prometheus root, the part before /api/v1 (keep any proxy path prefix)'
  if (status === 407) return 'the HTTP proxy wants credentials; put them in HTTPS_PROXY, or add the host to NO_PROXY'
  if (status >= 500) return 'Prometheus or a proxy in front of it failed; retry, or check its logs'
  return 'check --prom-url points at the Prometheus HTTP API'
}

/**
 * Interprets one answer to api/v1/query or api/v1/query_range, pure (no I/O): a success envelope becomes the typed
 * result; a non-JSON body (a proxy's or web page's), JSON that is not the API's, an API error, an HTTP error status
 * or a malformed result becomes a PrometheusError naming `shownUrl` (the endpoint without credentials) with a hint.
 */
export function interpretResponse(answer: PrometheusAnswer, shownUrl: string): Interpreted {
  const {status, contentType, body} = answer
  const where = `Prometheus at ${shownUrl}`
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch {
    const kind = contentType === '' ? 'a non-JSON' : `a ${contentType.split(';')[0]}`
    const snippet = bodySnippet(body)
    const shownSnippet = snippet === '' ? '' : `: ${snippet}`
    const error = new PrometheusError(
      `${where}: answered HTTP ${status} with ${kind} body, not the Prometheus API${shownSnippet}`,
      {
        hint:
          status >= 200 && status < 300
            ? 'a proxy or web page answered; --prom-url must be the Prometheus root (before /api/v1)'
            : hintForStatus(status),
      },
    )
    return {ok: false, error}
  }
  let envelope: ReturnType<typeof parseEnvelope>
  try {
    envelope = parseEnvelope(json)
  } catch (cause) {
    const message =
      typeof (json as {message?: unknown})?.message === 'string'
        ? `: ${bodySnippet((json as {message: string}).message)}`
        : ''
    const what = `answered HTTP ${status} with JSON, not a Prometheus API response${message}`
    const error = new PrometheusError(`${where}: ${what}`, {
      hint: status >= 400 ? hintForStatus(status) : 'check --prom-url points at the Prometheus HTTP API',
      cause,
    })
    return {ok: false, error}
  }
  if (envelope.status === 'error') {
    const type = envelope.errorType ?? 'unknown'
    const reason = bodySnippet(envelope.error ?? 'no message')
    // Prometheus: "exceeded maximum resolution of 11,000 points"; VictoriaMetrics: "too many points … cannot exceed
    // -search.maxPointsPerTimeseries".
    const tooManyPoints = /maximum resolution|too many points|maxPointsPerTimeseries/.test(envelope.error ?? '')
    const hint = tooManyPoints
      ? 'the backend allows fewer points per series in one request; lower --prom-max-points to its limit'
      : status === 401 || status === 403
        ? hintForStatus(status)
        : hintForErrorType(envelope.errorType, status)
    const error = new PrometheusError(`${where}: the query was rejected (HTTP ${status}, ${type}): ${reason}`, {hint})
    return {ok: false, error}
  }
  if (status < 200 || status >= 300) {
    return {ok: false, error: new PrometheusError(`${where}: answered HTTP ${status}`, {hint: hintForStatus(status)})}
  }
  try {
    return {ok: true, result: {data: parseQueryData(envelope.data), warnings: envelope.warnings, infos: envelope.infos}}
  } catch (cause) {
    if (!(cause instanceof ResponseShapeError)) throw cause
    const error = new PrometheusError(`${where}: unexpected result: ${cause.message}`, {
      hint: 'check --prom-url points at Prometheus or a compatible API (Thanos, Mimir)',
      cause,
    })
    return {ok: false, error}
  }
}
