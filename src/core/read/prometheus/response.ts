/**
 * Typed results of the Prometheus HTTP API (docs/querying/api.md), parsed once at the boundary. Sample values are
 * JSON strings on the wire so that "NaN", "+Inf" and "-Inf" survive; here they are numbers (NaN, ±Infinity).
 */
export type Labels = Readonly<Record<string, string>>

export interface InstantSample {
  labels: Labels
  /** Evaluation time, ms since the epoch (not the scrape time: see vllm-metrics.md §1.4 pitfall 1). */
  timeMs: number
  value: number
}

export interface RangeSeries {
  labels: Labels
  points: Array<{timeMs: number; value: number}>
}

export type QueryData =
  | {kind: 'vector'; samples: InstantSample[]}
  | {kind: 'matrix'; series: RangeSeries[]}
  | {kind: 'scalar'; timeMs: number; value: number}
  | {kind: 'string'; timeMs: number; value: string}

export interface QueryResult {
  data: QueryData
  /** Server warnings (e.g. partial responses from Thanos); never fatal. */
  warnings: string[]
  /** Info-level annotations of newer Prometheus versions. */
  infos: string[]
}

/** The server's warnings, then its infos: what kubectl-va reports as warnings (stderr, and JSON `warnings`). */
export function answerNotes(result: Pick<QueryResult, 'warnings' | 'infos'>): string[] {
  return [...result.warnings, ...result.infos]
}

/** Why a body is not a usable API answer; the client turns this into a PrometheusError naming the URL. */
export class ResponseShapeError extends Error {}

/** Parses "1.5", "NaN", "+Inf", "-Inf" exactly as Go's strconv.ParseFloat would for the values Prometheus prints. */
export function parseSampleValue(text: unknown): number {
  if (typeof text !== 'string') throw new ResponseShapeError(`sample value is ${jsonType(text)}, not a string`)
  switch (text) {
    case 'NaN':
      return Number.NaN
    case '+Inf':
    case 'Inf':
      return Number.POSITIVE_INFINITY
    case '-Inf':
      return Number.NEGATIVE_INFINITY
    default: {
      const value = Number(text)
      if (text.trim() === '' || Number.isNaN(value))
        throw new ResponseShapeError(`sample value "${text}" is not a number`)
      return value
    }
  }
}

function parsePair(pair: unknown): {timeMs: number; value: string | unknown} {
  if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'number' || !Number.isFinite(pair[0])) {
    throw new ResponseShapeError('sample is not a [time, "value"] pair')
  }
  return {timeMs: Math.round(pair[0] * 1000), value: pair[1]}
}

function parseLabels(metric: unknown): Labels {
  if (metric === null || typeof metric !== 'object' || Array.isArray(metric))
    throw new ResponseShapeError('series has no metric object')
  for (const [name, value] of Object.entries(metric)) {
    if (typeof value !== 'string') {
      throw new ResponseShapeError(`label ${JSON.stringify(name)} is ${jsonType(value)}, not a string`)
    }
  }
  return metric as Labels
}

/** null, an array, or the typeof of a JSON value, for messages. */
function jsonType(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value
}

/** Each element of a result array must be an object (a JSON null or string there is a broken answer, not a series). */
function parseItems(result: unknown[], what: string): Array<Record<string, unknown>> {
  return result.map((item, index) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw new ResponseShapeError(`${what} result[${index}] is ${jsonType(item)}, not a series`)
    }
    return item as Record<string, unknown>
  })
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []
}

/** The `data` of a successful query or query_range answer. */
export function parseQueryData(data: unknown): QueryData {
  if (data === null || typeof data !== 'object') throw new ResponseShapeError('"data" is missing')
  const {resultType, result} = data as {resultType?: unknown; result?: unknown}
  switch (resultType) {
    case 'vector':
      if (!Array.isArray(result)) throw new ResponseShapeError('vector result is not an array')
      return {
        kind: 'vector',
        samples: parseItems(result, 'vector').map((item) => {
          const {timeMs, value} = parsePair(item.value)
          return {labels: parseLabels(item.metric), timeMs, value: parseSampleValue(value)}
        }),
      }
    case 'matrix':
      if (!Array.isArray(result)) throw new ResponseShapeError('matrix result is not an array')
      return {
        kind: 'matrix',
        series: parseItems(result, 'matrix').map((item) => {
          const values = item.values
          if (!Array.isArray(values)) throw new ResponseShapeError('matrix series has no "values" array')
          return {
            labels: parseLabels(item.metric),
            points: values.map((pair: unknown) => {
              const {timeMs, value} = parsePair(pair)
              return {timeMs, value: parseSampleValue(value)}
            }),
          }
        }),
      }
    case 'scalar': {
      const {timeMs, value} = parsePair(result)
      return {kind: 'scalar', timeMs, value: parseSampleValue(value)}
    }
    case 'string': {
      const {timeMs, value} = parsePair(result)
      return {kind: 'string', timeMs, value: String(value)}
    }
    default:
      throw new ResponseShapeError(`unknown resultType ${JSON.stringify(resultType)}`)
  }
}

/** The JSON envelope: `{status, data, errorType, error, warnings, infos}`. */
export interface ApiEnvelope {
  status: 'success' | 'error'
  data?: unknown
  errorType?: string | undefined
  error?: string | undefined
  warnings: string[]
  infos: string[]
}

export function parseEnvelope(body: unknown): ApiEnvelope {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new ResponseShapeError('body is not a JSON object')
  const raw = body as Record<string, unknown>
  if (raw.status !== 'success' && raw.status !== 'error')
    throw new ResponseShapeError('body has no "status" of success or error')
  return {
    status: raw.status,
    data: raw.data,
    errorType: typeof raw.errorType === 'string' ? raw.errorType : undefined,
    error: typeof raw.error === 'string' ? raw.error : undefined,
    warnings: stringList(raw.warnings),
    infos: stringList(raw.infos),
  }
}
