import {type FieldProblem, isRecord, typeName} from '../../model/field-problems.js'
import {
  metricsSnapshotApiVersion,
  type MetricsSnapshot,
  type ModelMetrics,
  type PodMetrics,
  type RejectedModelEntry,
  type VariantServiceParms,
} from '../../model/metrics.js'

/**
 * A parsed MetricsSnapshot document. Each bad part is set aside alone, with a problem naming its path: a bad models[]
 * entry (its model is then decided as if the snapshot had no entry for it, with the reason), a bad pod or
 * requestsInRetention entry, a bad time or window. `snapshot` is undefined only when the document is not ours at all
 * (wrong apiVersion). The problems are warnings: what they cost shows on the VAs they affect.
 */
export interface SnapshotParse {
  snapshot: MetricsSnapshot | undefined
  problems: FieldProblem[]
}

/** The largest finite float32: the controller holds arrival rates as float32, so a larger rate is +Inf to it. */
export const MAX_FLOAT32 = 3.4028234663852886e38

const modelNumberFields = [
  'arrivalRateRpm',
  'avgInputTokens',
  'avgOutputTokens',
  'ttftMs',
  'itlMs',
  'schedulerQueueSize',
  'schedulerQueueBytes',
] as const
/** Per-pod readings: saturation V1 (the first two), V2 (KV capacity, tokens, prefix hits), queueing model. */
const podNumberFields = [
  'kvCacheUsage',
  'queueLength',
  'numGpuBlocks',
  'blockSize',
  'avgInputTokens',
  'avgOutputTokens',
  'prefixCacheHitRate',
  'arrivalRate',
  'ttftMs',
  'itlMs',
] as const
/** The documented YAML names (docs/metrics-snapshot.md) of ModelMetrics fields. */
const yamlNames: Record<(typeof modelNumberFields)[number], string> = {
  arrivalRateRpm: 'arrivalRate',
  avgInputTokens: 'avgInputTokens',
  avgOutputTokens: 'avgOutputTokens',
  ttftMs: 'ttftMs',
  itlMs: 'itlMs',
  schedulerQueueSize: 'schedulerQueueSize',
  schedulerQueueBytes: 'schedulerQueueBytes',
}

/**
 * Validates a MetricsSnapshot document (schema: docs/schema/metrics-snapshot.schema.json), reporting every problem.
 * `source` (file:line) is recorded on rejected model entries, so a VA's reason can point at them.
 */
export function parseMetricsSnapshot(value: unknown, source = 'MetricsSnapshot'): SnapshotParse {
  const problems: FieldProblem[] = []
  if (!isRecord(value)) return {snapshot: undefined, problems: [{path: '', message: 'must be an object'}]}
  if (value.apiVersion !== metricsSnapshotApiVersion) {
    const got = typeof value.apiVersion === 'string' ? value.apiVersion : typeName(value.apiVersion)
    const message = `must be ${metricsSnapshotApiVersion}, got ${got}; the document is ignored`
    return {snapshot: undefined, problems: [{path: 'apiVersion', message}]}
  }
  let time: string | undefined
  if (value.time !== undefined) {
    if (typeof value.time === 'string' && !Number.isNaN(Date.parse(value.time))) time = value.time
    else problems.push({path: 'time', message: 'must be an RFC 3339 time; ignored'})
  }
  let window: string | undefined
  if (value.window !== undefined) {
    if (typeof value.window === 'string') window = value.window
    else problems.push({path: 'window', message: 'must be a duration string like 1m; ignored'})
  }
  if (!Array.isArray(value.models)) problems.push({path: 'models', message: 'required list; no model entries read'})
  const models: ModelMetrics[] = []
  const rejectedModels: RejectedModelEntry[] = []
  ;(Array.isArray(value.models) ? value.models : []).forEach((entry: unknown, index: number) => {
    const parsed = parseModelEntry(entry, `models[${index}]`)
    for (const problem of parsed.shownOnly) {
      problems.push({path: `models[${index}].${problem.path}`, message: `${problem.message}; ignored`})
    }
    if (parsed.problems.length === 0 && parsed.model) {
      models.push(parsed.model)
      return
    }
    const message = parsed.problems.map((problem) => `${problem.path}: ${problem.message}`).join(', ')
    problems.push({path: `models[${index}]`, message: `${message}; the entry is ignored`})
    if (parsed.identity) rejectedModels.push({...parsed.identity, source: `${source} models[${index}]`, message})
  })
  const pods: PodMetrics[] = []
  if (value.pods !== undefined && !Array.isArray(value.pods)) {
    problems.push({path: 'pods', message: 'must be a list; ignored'})
  }
  ;(Array.isArray(value.pods) ? value.pods : []).forEach((entry: unknown, index: number) => {
    const path = `pods[${index}]`
    if (!isRecord(entry) || typeof entry.name !== 'string') {
      problems.push({path: `${path}.name`, message: 'required string; the entry is ignored'})
      return
    }
    const pod: PodMetrics = {namespace: typeof entry.namespace === 'string' ? entry.namespace : '', name: entry.name}
    if (typeof entry.deployment === 'string') pod.deployment = entry.deployment
    if (typeof entry.modelID === 'string') pod.modelID = entry.modelID
    if (typeof entry.variant === 'string') pod.variant = entry.variant
    const bad: string[] = []
    for (const field of podNumberFields) {
      if (entry[field] === undefined) continue
      const number = readNumber(entry[field])
      if (number !== undefined && Number.isNaN(number)) continue
      if (number === undefined || !Number.isFinite(number) || number < 0) bad.push(field)
      else pod[field] = number
    }
    if (bad.length > 0) {
      problems.push({path: `${path}.${bad[0]}`, message: 'must be a non-negative number; the entry is ignored'})
      return
    }
    pods.push(pod)
  })
  const requestsInRetention: NonNullable<MetricsSnapshot['requestsInRetention']> = []
  if (value.requestsInRetention !== undefined && !Array.isArray(value.requestsInRetention)) {
    problems.push({path: 'requestsInRetention', message: 'must be a list; ignored'})
  }
  const retention: unknown[] = Array.isArray(value.requestsInRetention) ? value.requestsInRetention : []
  retention.forEach((entry: unknown, index: number) => {
    const path = `requestsInRetention[${index}]`
    const requests = isRecord(entry) ? readNumber(entry.requests) : undefined
    if (
      !isRecord(entry) ||
      typeof entry.namespace !== 'string' ||
      typeof entry.modelID !== 'string' ||
      requests === undefined ||
      !Number.isFinite(requests) ||
      requests < 0
    ) {
      const message = 'needs namespace, modelID and requests (a number, zero or more); the entry is ignored'
      problems.push({path, message})
      return
    }
    requestsInRetention.push({namespace: entry.namespace, modelID: entry.modelID, requests})
  })
  const serviceParms: VariantServiceParms[] = []
  if (value.serviceParms !== undefined && !Array.isArray(value.serviceParms)) {
    problems.push({path: 'serviceParms', message: 'must be a list; ignored'})
  }
  const parmsEntries: unknown[] = Array.isArray(value.serviceParms) ? value.serviceParms : []
  parmsEntries.forEach((entry: unknown, index: number) => {
    const numbers = (['alpha', 'beta', 'gamma'] as const).map((name) =>
      isRecord(entry) ? readNumber(entry[name]) : undefined,
    )
    if (
      !isRecord(entry) ||
      typeof entry.namespace !== 'string' ||
      typeof entry.variant !== 'string' ||
      numbers.some((number) => number === undefined || !Number.isFinite(number) || number < 0)
    ) {
      const message = 'needs namespace, variant and alpha, beta, gamma (numbers, zero or more); the entry is ignored'
      problems.push({path: `serviceParms[${index}]`, message})
      return
    }
    const [alpha, beta, gamma] = numbers as [number, number, number]
    serviceParms.push({namespace: entry.namespace, variant: entry.variant, alpha, beta, gamma})
  })
  return {
    snapshot: {
      apiVersion: metricsSnapshotApiVersion,
      kind: 'MetricsSnapshot',
      time,
      window,
      models,
      pods: pods.length > 0 ? pods : undefined,
      requestsInRetention: requestsInRetention.length > 0 ? requestsInRetention : undefined,
      ...(serviceParms.length > 0 ? {serviceParms} : {}),
      ...(rejectedModels.length > 0 ? {rejectedModels} : {}),
    },
    problems,
  }
}

interface ModelEntryParse {
  model: ModelMetrics | undefined
  /** namespace and modelID, when both are usable: the entry can then be tied to its VAs */
  identity: {namespace: string; modelID: string} | undefined
  /** paths relative to the entry: the entry is unusable */
  problems: FieldProblem[]
  /** bad fields that are only shown (ttftMs, itlMs): dropped alone, the entry stays */
  shownOnly: FieldProblem[]
}

/** Fields the optimizer does not use: a bad one costs only itself. */
const shownOnlyFields: ReadonlySet<string> = new Set(['ttftMs', 'itlMs', 'schedulerQueueSize', 'schedulerQueueBytes'])

/**
 * One models[] entry. NaN is "no data" (what Prometheus returns for 0/0, e.g. the token averages of an idle model),
 * so the field is read as absent; a negative number, an infinity or a non-number makes the entry unusable.
 */
function parseModelEntry(entry: unknown, path: string): ModelEntryParse {
  if (!isRecord(entry)) {
    return {model: undefined, identity: undefined, problems: [{path, message: 'must be an object'}], shownOnly: []}
  }
  const entryProblems: FieldProblem[] = []
  const shownOnly: FieldProblem[] = []
  const identity = {namespace: '', modelID: ''}
  for (const field of ['namespace', 'modelID'] as const) {
    const raw = entry[field]
    if (typeof raw === 'string' && raw !== '') identity[field] = raw
    else entryProblems.push({path: field, message: `required string, got ${typeName(raw)}`})
  }
  const model: ModelMetrics = {...identity}
  for (const field of modelNumberFields) {
    const name = yamlNames[field]
    const raw = entry[name]
    if (raw === undefined || raw === null) continue
    const problems = shownOnlyFields.has(name) ? shownOnly : entryProblems
    const number = readNumber(raw)
    const problem = (message: string) => problems.push({path: name, message})
    if (number === undefined) problem(`must be a number, got ${typeName(raw)} ${JSON.stringify(raw)}`)
    else if (Number.isNaN(number)) continue
    else if (!Number.isFinite(number)) problem(`is ${number > 0 ? '+' : '-'}Inf; omit the field when there is no data`)
    else if (number < 0) problem(`must not be negative, got ${number}`)
    else if (field === 'arrivalRateRpm' && number > MAX_FLOAT32) problem(`${number} is beyond float32 (the controller)`)
    else model[field] = number
  }
  const usable = identity.namespace !== '' && identity.modelID !== ''
  return {model, identity: usable ? identity : undefined, problems: entryProblems, shownOnly}
}

// Prometheus writes NaN and infinities as strings; a snapshot written by hand may quote numbers too.
function readNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value
  if (typeof value !== 'string') return undefined
  if (value === 'NaN') return Number.NaN
  if (value === '+Inf' || value === 'Inf') return Number.POSITIVE_INFINITY
  if (value === '-Inf') return Number.NEGATIVE_INFINITY
  const parsed = Number(value)
  return value.trim() !== '' && !Number.isNaN(parsed) ? parsed : undefined
}
