import {type FieldProblem, isRecord, typeName} from '../model/field-problems.js'
import {metricsSnapshotApiVersion, type MetricsSnapshot, type ModelMetrics, type PodMetrics} from '../model/metrics.js'

export type SnapshotParse = {ok: true; snapshot: MetricsSnapshot} | {ok: false; problems: FieldProblem[]}

const modelNumberFields = ['arrivalRateRpm', 'avgInputTokens', 'avgOutputTokens', 'ttftMs', 'itlMs'] as const
/** The documented YAML names (docs/metrics-snapshot.md) of ModelMetrics fields. */
const yamlNames: Record<(typeof modelNumberFields)[number], string> = {
  arrivalRateRpm: 'arrivalRate',
  avgInputTokens: 'avgInputTokens',
  avgOutputTokens: 'avgOutputTokens',
  ttftMs: 'ttftMs',
  itlMs: 'itlMs',
}

/** Validates a MetricsSnapshot document (schema: docs/metrics-snapshot.schema.json), reporting every problem. */
export function parseMetricsSnapshot(value: unknown): SnapshotParse {
  const problems: FieldProblem[] = []
  if (!isRecord(value)) return {ok: false, problems: [{path: '', message: 'must be an object'}]}
  if (value.apiVersion !== metricsSnapshotApiVersion) problems.push({path: 'apiVersion', message: `must be ${metricsSnapshotApiVersion}`})
  if (value.time !== undefined && (typeof value.time !== 'string' || Number.isNaN(Date.parse(value.time)))) problems.push({path: 'time', message: 'must be an RFC 3339 time'})
  if (value.window !== undefined && typeof value.window !== 'string') problems.push({path: 'window', message: 'must be a duration string like 1m'})
  if (!Array.isArray(value.models)) problems.push({path: 'models', message: 'required list'})
  const models: ModelMetrics[] = []
  ;(Array.isArray(value.models) ? value.models : []).forEach((entry: unknown, index: number) => {
    const path = `models[${index}]`
    if (!isRecord(entry)) return problems.push({path, message: 'must be an object'})
    const model: ModelMetrics = {namespace: '', modelID: ''}
    for (const field of ['namespace', 'modelID'] as const) {
      if (typeof entry[field] === 'string' && entry[field] !== '') model[field] = entry[field] as string
      else problems.push({path: `${path}.${field}`, message: 'required string'})
    }
    for (const field of modelNumberFields) {
      const raw = entry[yamlNames[field]]
      if (raw === undefined || raw === null) continue
      const number = readNumber(raw)
      if (number === undefined) problems.push({path: `${path}.${yamlNames[field]}`, message: `must be a number, got ${typeName(raw)} ${JSON.stringify(raw)}`})
      else if (!Number.isFinite(number)) problems.push({path: `${path}.${yamlNames[field]}`, message: `is ${number}; omit the field when there is no data`})
      else if (number < 0) problems.push({path: `${path}.${yamlNames[field]}`, message: `must not be negative, got ${number}`})
      else model[field] = number
    }
    models.push(model)
  })
  const pods: PodMetrics[] = []
  if (value.pods !== undefined && !Array.isArray(value.pods)) problems.push({path: 'pods', message: 'must be a list'})
  ;(Array.isArray(value.pods) ? value.pods : []).forEach((entry: unknown, index: number) => {
    const path = `pods[${index}]`
    if (!isRecord(entry) || typeof entry.name !== 'string') return problems.push({path: `${path}.name`, message: 'required string'})
    const pod: PodMetrics = {namespace: typeof entry.namespace === 'string' ? entry.namespace : '', name: entry.name}
    if (typeof entry.deployment === 'string') pod.deployment = entry.deployment
    if (typeof entry.modelID === 'string') pod.modelID = entry.modelID
    for (const field of ['kvCacheUsage', 'queueLength'] as const) {
      if (entry[field] === undefined) continue
      const number = readNumber(entry[field])
      if (number === undefined || !Number.isFinite(number) || number < 0) problems.push({path: `${path}.${field}`, message: 'must be a non-negative number'})
      else pod[field] = number
    }
    pods.push(pod)
  })
  const requestsInRetention: NonNullable<MetricsSnapshot['requestsInRetention']> = []
  ;(Array.isArray(value.requestsInRetention) ? value.requestsInRetention : []).forEach((entry: unknown, index: number) => {
    const path = `requestsInRetention[${index}]`
    if (!isRecord(entry) || typeof entry.namespace !== 'string' || typeof entry.modelID !== 'string' || typeof entry.requests !== 'number') {
      return problems.push({path, message: 'needs namespace, modelID and requests (number)'})
    }
    requestsInRetention.push({namespace: entry.namespace, modelID: entry.modelID, requests: entry.requests})
  })
  if (problems.length > 0) return {ok: false, problems}
  return {
    ok: true,
    snapshot: {
      apiVersion: metricsSnapshotApiVersion,
      kind: 'MetricsSnapshot',
      time: value.time as string | undefined,
      window: value.window as string | undefined,
      models,
      pods: pods.length > 0 ? pods : undefined,
      requestsInRetention: requestsInRetention.length > 0 ? requestsInRetention : undefined,
    },
  }
}

// Prometheus writes NaN and infinities as strings; a snapshot written by hand may quote numbers too.
function readNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value
  if (typeof value !== 'string') return undefined
  if (value === 'NaN') return Number.NaN
  if (value === '+Inf' || value === 'Inf') return Number.POSITIVE_INFINITY
  const parsed = Number(value)
  return value.trim() !== '' && !Number.isNaN(parsed) ? parsed : undefined
}
