/**
 * HPAs (autoscaling/v2) and KEDA ScaledObjects (keda.sh/v1alpha1) as the scaler replay reads them: the spec the pure
 * steppers of decide/hpa and decide/keda take, each metric's source (a Prometheus query, an External metric, or one
 * we cannot read), the scale target and the model. Pure: a broken scaler becomes a problem naming it, never a throw.
 */
import {isRecord} from './field-problems.js'
import {field, type KubeObject} from './kube-object.js'

export type ScalerKind = 'HorizontalPodAutoscaler' | 'ScaledObject'

/** Where a metric's value comes from. */
export type MetricSource =
  /** A KEDA prometheus trigger's `query`. */
  | {readonly kind: 'promql'; readonly query: string}
  /** An HPA External metric, evaluated here as `sum(<name>{<selector>})`. */
  | {readonly kind: 'external'; readonly metric: string; readonly query: string}
  /** Cannot be read from Prometheus here (cpu/memory, Object/Pods metrics, other KEDA scalers): why. */
  | {readonly kind: 'unavailable'; readonly reason: string}

export interface ScalerMetric {
  /** HPA metric name or KEDA trigger name: keys the readings of the replay. */
  readonly name: string
  /** `External`, `Pods`, … for HPAs; the trigger type (`prometheus`, `cpu`, …) for KEDA. */
  readonly type: string
  readonly targetType: 'Value' | 'AverageValue' | 'Utilization'
  /** The target in metric units (Utilization: percent). */
  readonly target: number
  readonly activationThreshold: number | null
  readonly source: MetricSource
}

/** An HPA spec as the decide/hpa stepper takes it (see decide/hpa/types.ts); kept structural so model stays first. */
export interface ParsedHpaSpec {
  readonly name: string
  readonly minReplicas?: number
  readonly maxReplicas: number
  readonly metrics: ReadonlyArray<{
    readonly name: string
    readonly source: 'External' | 'Object' | 'Pods' | 'Resource'
    readonly targetType: 'Value' | 'AverageValue' | 'Utilization'
    readonly targetMilli: number
  }>
  readonly behavior?: ParsedBehavior
}

export interface ParsedScalingRules {
  readonly stabilizationWindowSeconds?: number
  readonly selectPolicy?: 'Max' | 'Min' | 'Disabled'
  readonly policies?: ReadonlyArray<{readonly type: 'Pods' | 'Percent'; readonly value: number; periodSeconds: number}>
  readonly tolerance?: number
}

export interface ParsedBehavior {
  readonly scaleUp?: ParsedScalingRules
  readonly scaleDown?: ParsedScalingRules
}

export interface ParsedScaledObjectSpec {
  readonly name: string
  readonly minReplicaCount?: number
  readonly maxReplicaCount?: number
  readonly idleReplicaCount?: number
  readonly pollingIntervalSeconds?: number
  readonly cooldownPeriodSeconds?: number
  readonly initialCooldownPeriodSeconds?: number
  readonly creationTimestampMs?: number
  readonly triggers: ReadonlyArray<{
    readonly name: string
    readonly type: string
    readonly metricType?: 'AverageValue' | 'Value' | 'Utilization'
    readonly threshold: number
    readonly activationThreshold?: number
  }>
  readonly fallback?: {
    readonly failureThreshold: number
    readonly replicas: number
    readonly behavior?: 'static' | 'currentReplicas' | 'currentReplicasIfHigher' | 'currentReplicasIfLower'
  }
  readonly scalingModifiers?: {
    readonly formula: string
    readonly target: string
    readonly activationTarget?: string
    readonly metricType?: 'AverageValue' | 'Value' | 'Utilization'
  }
  readonly behavior?: ParsedBehavior
}

export type ParsedScalerSpec =
  | {readonly kind: 'hpa'; readonly hpa: ParsedHpaSpec}
  | {readonly kind: 'keda'; readonly scaledObject: ParsedScaledObjectSpec}

export interface ScaleTargetRef {
  readonly kind: string
  readonly name: string
  readonly apiVersion: string
}

export interface Scaler {
  readonly kind: ScalerKind
  readonly namespace: string
  readonly name: string
  readonly target: ScaleTargetRef | null
  readonly metrics: readonly ScalerMetric[]
  /** null when the spec could not be read (`problem` says why). */
  readonly spec: ParsedScalerSpec | null
  readonly minReplicas: number
  readonly maxReplicas: number
  /** status.currentReplicas / status.desiredReplicas (HPA); null when unknown. */
  readonly statusCurrent: number | null
  readonly statusDesired: number | null
  readonly annotations: Readonly<Record<string, string>>
  readonly labels: Readonly<Record<string, string>>
  /** The ScaledObject that owns this HPA (KEDA's `keda-hpa-*`), when it is one. */
  readonly ownedBy: string | null
  /** The first thing wrong with it (one line: `<what>; <fix>`), or null. */
  readonly problem: string | null
}

/** A Kubernetes quantity (`1`, `500m`, `2k`, `1Gi`, `1e3`) as a number; null when it is not one. */
export function parseQuantity(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  if (typeof value !== 'string') return null
  const match = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei))?$/.exec(
    value.trim(),
  )
  if (!match) return null
  const base = Number(match[1])
  if (match[2] !== undefined) return Number(`${match[1]}${match[2]}`)
  const factors: Record<string, number> = {
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
  }
  return match[3] === undefined ? base : base * factors[match[3]]!
}

/** Go's strconv.ParseFloat of a plain decimal string (KEDA trigger metadata); null otherwise. */
export function parseDecimal(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  if (typeof value !== 'string') return null
  if (!/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(value)) return null
  return Number(value)
}

class ScalerProblem extends Error {}
const fail = (what: string): never => {
  throw new ScalerProblem(what)
}

const stringRecord = (value: unknown): Record<string, string> => {
  if (!isRecord(value)) return {}
  const out: Record<string, string> = {}
  for (const [key, entry] of Object.entries(value)) if (typeof entry === 'string') out[key] = entry
  return out
}

function integerField(value: unknown, what: string, minimum = 0): number | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum) {
    return fail(`${what} ${JSON.stringify(value)} is not an integer ≥ ${minimum}; fix the manifest`)
  }
  return value
}

/** A PromQL label matcher value: the text between double quotes. */
const quoteLabel = (value: string): string => JSON.stringify(value)

/** `sum(<name>{<selector>})`: the External metric as this tool evaluates it (docs/scalers.md). */
export function externalMetricQuery(name: string, selector: unknown): string {
  const matchers: string[] = []
  for (const [key, value] of Object.entries(stringRecord(field(selector, 'matchLabels')))) {
    matchers.push(`${key}=${quoteLabel(value)}`)
  }
  const expressions = field(selector, 'matchExpressions')
  for (const expression of Array.isArray(expressions) ? expressions : []) {
    const key = field(expression, 'key')
    const operator = field(expression, 'operator')
    const values = field(expression, 'values')
    const list = Array.isArray(values) ? values.filter((v): v is string => typeof v === 'string') : []
    const alternatives = list.map((v) => v.replace(/[\\.^$|?*+()[\]{}]/g, '\\$&')).join('|')
    if (typeof key !== 'string') continue
    if (operator === 'In') matchers.push(`${key}=~${quoteLabel(alternatives)}`)
    else if (operator === 'NotIn') matchers.push(`${key}!~${quoteLabel(alternatives)}`)
    else if (operator === 'Exists') matchers.push(`${key}!=""`)
    else if (operator === 'DoesNotExist') matchers.push(`${key}=""`)
  }
  const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name) ? name : ''
  if (metricName === '') matchers.unshift(`__name__=${quoteLabel(name)}`)
  return `sum(${metricName}{${matchers.join(',')}})`
}

function parseRules(value: unknown, what: string): ParsedScalingRules | undefined {
  if (value === undefined || value === null) return undefined
  if (!isRecord(value)) return fail(`${what} is not an object; fix the manifest`)
  const window = integerField(value.stabilizationWindowSeconds, `${what}.stabilizationWindowSeconds`)
  const select = value.selectPolicy
  if (select !== undefined && select !== 'Max' && select !== 'Min' && select !== 'Disabled') {
    fail(`${what}.selectPolicy ${JSON.stringify(select)} is not Max, Min or Disabled; fix the manifest`)
  }
  let policies: ParsedScalingRules['policies']
  if (value.policies !== undefined) {
    if (!Array.isArray(value.policies)) fail(`${what}.policies is not a list; fix the manifest`)
    policies = (value.policies as unknown[]).map((policy, index) => {
      const type = field(policy, 'type')
      if (type !== 'Pods' && type !== 'Percent') fail(`${what}.policies[${index}].type must be Pods or Percent`)
      return {
        type: type as 'Pods' | 'Percent',
        value: integerField(field(policy, 'value'), `${what}.policies[${index}].value`, 1) ?? 1,
        periodSeconds: integerField(field(policy, 'periodSeconds'), `${what}.policies[${index}].periodSeconds`, 1) ?? 1,
      }
    })
  }
  const tolerance = value.tolerance === undefined ? undefined : parseQuantity(value.tolerance)
  if (tolerance === null) return fail(`${what}.tolerance is not a quantity; fix the manifest`)
  return {
    ...(window === undefined ? {} : {stabilizationWindowSeconds: window}),
    ...(select === undefined ? {} : {selectPolicy: select as 'Max' | 'Min' | 'Disabled'}),
    ...(policies === undefined ? {} : {policies}),
    ...(tolerance === undefined ? {} : {tolerance}),
  }
}

function parseBehavior(value: unknown, what: string): ParsedBehavior | undefined {
  if (value === undefined || value === null) return undefined
  if (!isRecord(value)) return fail(`${what} is not an object; fix the manifest`)
  const up = parseRules(value.scaleUp, `${what}.scaleUp`)
  const down = parseRules(value.scaleDown, `${what}.scaleDown`)
  return {...(up === undefined ? {} : {scaleUp: up}), ...(down === undefined ? {} : {scaleDown: down})}
}

function targetRef(value: unknown): ScaleTargetRef | null {
  const name = field(value, 'name')
  if (typeof name !== 'string' || name === '') return null
  const kind = field(value, 'kind')
  const apiVersion = field(value, 'apiVersion')
  return {
    name,
    kind: typeof kind === 'string' && kind !== '' ? kind : 'Deployment',
    apiVersion: typeof apiVersion === 'string' && apiVersion !== '' ? apiVersion : 'apps/v1',
  }
}

function hpaMetric(entry: unknown, index: number): ScalerMetric {
  const type = field(entry, 'type')
  const what = `spec.metrics[${index}]`
  const targetOf = (source: unknown) => field(source, 'target')
  const readTarget = (target: unknown): Pick<ScalerMetric, 'targetType' | 'target'> => {
    const targetType = field(target, 'type')
    if (targetType === 'Utilization') {
      const value = field(target, 'averageUtilization')
      if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
        return fail(`${what}: averageUtilization ${JSON.stringify(value)} is not a positive integer; fix it`)
      }
      return {targetType, target: value}
    }
    if (targetType !== 'Value' && targetType !== 'AverageValue') {
      return fail(`${what}: target.type ${JSON.stringify(targetType)} is not Value, AverageValue or Utilization`)
    }
    const raw = field(target, targetType === 'Value' ? 'value' : 'averageValue')
    const value = parseQuantity(raw)
    if (value === null || !(value > 0)) {
      return fail(`${what}: target ${JSON.stringify(raw)} is not a positive quantity; fix the manifest`)
    }
    return {targetType, target: value}
  }
  switch (type) {
    case 'External': {
      const external = field(entry, 'external')
      const metric = field(external, 'metric')
      const name = field(metric, 'name')
      if (typeof name !== 'string' || name === '') return fail(`${what}: external.metric.name is missing`)
      const query = externalMetricQuery(name, field(metric, 'selector'))
      return {
        name,
        type,
        ...readTarget(targetOf(external)),
        activationThreshold: null,
        source: {kind: 'external', metric: name, query},
      }
    }
    case 'Resource':
    case 'ContainerResource': {
      const resource = field(entry, type === 'Resource' ? 'resource' : 'containerResource')
      const name = field(resource, 'name')
      return {
        name: typeof name === 'string' ? name : `resource-${index}`,
        type,
        ...readTarget(targetOf(resource)),
        activationThreshold: null,
        source: {kind: 'unavailable', reason: `${String(name)} usage comes from the resource metrics API`},
      }
    }
    case 'Pods':
    case 'Object': {
      const source = field(entry, type === 'Pods' ? 'pods' : 'object')
      const name = field(field(source, 'metric'), 'name')
      return {
        name: typeof name === 'string' ? name : `${type.toLowerCase()}-${index}`,
        type,
        ...readTarget(targetOf(source)),
        activationThreshold: null,
        source: {kind: 'unavailable', reason: `${type} metric ${String(name)} comes from the custom metrics API`},
      }
    }
    default:
      return fail(`${what}: type ${JSON.stringify(type)} is not External, Object, Pods or Resource`)
  }
}

const hpaSource = (type: string): 'External' | 'Object' | 'Pods' | 'Resource' =>
  type === 'ContainerResource' ? 'Resource' : (type as 'External' | 'Object' | 'Pods' | 'Resource')

/** Milli of an HPA target as the API server stores it (`Quantity.MilliValue()` rounds up). */
const targetMilliOf = (metric: ScalerMetric): number =>
  metric.targetType === 'Utilization' ? metric.target : Math.ceil(metric.target * 1000 - 1e-9)

function parseHpa(object: KubeObject, base: ScalerBase): Scaler {
  const spec = object.spec
  const min = integerField(field(spec, 'minReplicas'), 'spec.minReplicas') ?? 1
  const max = integerField(field(spec, 'maxReplicas'), 'spec.maxReplicas', 1)
  if (max === undefined) return fail('spec.maxReplicas is missing; set it')
  if (min > max) fail(`spec.minReplicas ${min} is greater than spec.maxReplicas ${max}; fix the manifest`)
  const rawMetrics = field(spec, 'metrics')
  const list = Array.isArray(rawMetrics) ? rawMetrics : []
  if (list.length === 0) fail('spec.metrics is empty (the cpu default is not replayed); list the metrics')
  const metrics = list.map(hpaMetric)
  const behavior = parseBehavior(field(spec, 'behavior'), 'spec.behavior')
  const hpa: ParsedHpaSpec = {
    name: `${base.namespace}/${base.name}`,
    minReplicas: min,
    maxReplicas: max,
    metrics: metrics.map((metric, index) => ({
      name: metric.name,
      source: hpaSource(String(field(list[index], 'type'))),
      targetType: metric.targetType,
      targetMilli: targetMilliOf(metric),
    })),
    ...(behavior === undefined ? {} : {behavior}),
  }
  const owner = object.metadata?.ownerReferences?.find((ref) => ref.kind === 'ScaledObject')
  return {
    ...base,
    kind: 'HorizontalPodAutoscaler',
    metrics,
    spec: {kind: 'hpa', hpa},
    minReplicas: min,
    maxReplicas: max,
    statusCurrent: numberOrNull(field(object.status, 'currentReplicas')),
    statusDesired: numberOrNull(field(object.status, 'desiredReplicas')),
    ownedBy: owner?.name ?? object.metadata?.labels?.['scaledobject.keda.sh/name'] ?? null,
  }
}

const numberOrNull = (value: unknown): number | null => (typeof value === 'number' ? value : null)

function kedaTrigger(entry: unknown, index: number): ScalerMetric {
  const type = field(entry, 'type')
  const what = `spec.triggers[${index}]`
  if (typeof type !== 'string' || type === '') return fail(`${what}.type is missing; set it`)
  const rawName = field(entry, 'name')
  const name = typeof rawName === 'string' && rawName !== '' ? rawName : `s${index}-${type}`
  const metadata = field(entry, 'metadata')
  const metricType = field(entry, 'metricType')
  if (
    metricType !== undefined &&
    metricType !== 'AverageValue' &&
    metricType !== 'Value' &&
    metricType !== 'Utilization'
  ) {
    fail(`trigger ${name}: metricType ${JSON.stringify(metricType)} is not AverageValue, Value or Utilization`)
  }
  const resource = type === 'cpu' || type === 'memory'
  const thresholdKey = resource ? 'value' : 'threshold'
  const rawThreshold = field(metadata, thresholdKey)
  const threshold = parseDecimal(rawThreshold)
  if (threshold === null) {
    return fail(
      `trigger ${name}: ${thresholdKey} ${JSON.stringify(rawThreshold ?? null)} is not a number; ` +
        `write it as a decimal string, e.g. "5"`,
    )
  }
  const rawActivation = field(metadata, resource ? 'activationValue' : 'activationThreshold')
  const activation = rawActivation === undefined ? null : parseDecimal(rawActivation)
  if (rawActivation !== undefined && activation === null) {
    fail(`trigger ${name}: activationThreshold ${JSON.stringify(rawActivation)} is not a number; fix the manifest`)
  }
  const query = field(metadata, 'query')
  let source: MetricSource
  if (type === 'prometheus') {
    if (typeof query !== 'string' || query.trim() === '') return fail(`trigger ${name}: metadata.query is missing`)
    source = {kind: 'promql', query}
  } else if (resource) {
    source = {kind: 'unavailable', reason: `${type} usage comes from the resource metrics API`}
  } else {
    source = {kind: 'unavailable', reason: `a ${type} trigger is not read from Prometheus`}
  }
  const targetType =
    (metricType as ScalerMetric['targetType'] | undefined) ?? (resource ? 'Utilization' : 'AverageValue')
  return {name, type, targetType, target: threshold, activationThreshold: activation, source}
}

function parseScaledObject(object: KubeObject, base: ScalerBase): Scaler {
  const spec = object.spec
  const count = (key: string, minimum = 0) => integerField(field(spec, key), `spec.${key}`, minimum)
  const min = count('minReplicaCount')
  const max = count('maxReplicaCount')
  const idle = count('idleReplicaCount')
  const polling = count('pollingInterval', 1)
  const cooldown = count('cooldownPeriod')
  const initialCooldown = count('initialCooldownPeriod')
  const rawTriggers = field(spec, 'triggers')
  if (!Array.isArray(rawTriggers) || rawTriggers.length === 0) return fail('spec.triggers is empty; add a trigger')
  const metrics = rawTriggers.map(kedaTrigger)
  const explicitType = rawTriggers.map((trigger) => field(trigger, 'metricType') !== undefined)
  const advanced = field(spec, 'advanced')
  const behavior = parseBehavior(field(field(advanced, 'horizontalPodAutoscalerConfig'), 'behavior'), 'behavior')
  const modifiers = field(advanced, 'scalingModifiers')
  let scalingModifiers: ParsedScaledObjectSpec['scalingModifiers']
  if (isRecord(modifiers) && modifiers.formula !== undefined) {
    const text = (value: unknown) =>
      typeof value === 'number' ? String(value) : typeof value === 'string' ? value : ''
    const metricType = modifiers.metricType
    if (metricType !== undefined && metricType !== 'AverageValue' && metricType !== 'Value') {
      fail(`scalingModifiers.metricType ${JSON.stringify(metricType)} is not AverageValue or Value`)
    }
    scalingModifiers = {
      formula: text(modifiers.formula),
      target: text(modifiers.target),
      ...(modifiers.activationTarget === undefined ? {} : {activationTarget: text(modifiers.activationTarget)}),
      ...(metricType === undefined ? {} : {metricType: metricType as 'AverageValue' | 'Value'}),
    }
  }
  const rawFallback = field(spec, 'fallback')
  let fallback: ParsedScaledObjectSpec['fallback']
  if (isRecord(rawFallback)) {
    const behaviorName = rawFallback.behavior
    const known = ['static', 'currentReplicas', 'currentReplicasIfHigher', 'currentReplicasIfLower']
    if (behaviorName !== undefined && !known.includes(String(behaviorName))) {
      fail(`spec.fallback.behavior ${JSON.stringify(behaviorName)} is not one of ${known.join(', ')}`)
    }
    fallback = {
      failureThreshold: integerField(rawFallback.failureThreshold, 'spec.fallback.failureThreshold') ?? 0,
      replicas: integerField(rawFallback.replicas, 'spec.fallback.replicas') ?? 0,
      ...(behaviorName === undefined ? {} : {behavior: behaviorName as 'static'}),
    }
  }
  const created = Date.parse(object.metadata?.creationTimestamp ?? '')
  const scaledObject: ParsedScaledObjectSpec = {
    name: `${base.namespace}/${base.name}`,
    ...(min === undefined ? {} : {minReplicaCount: min}),
    ...(max === undefined ? {} : {maxReplicaCount: max}),
    ...(idle === undefined ? {} : {idleReplicaCount: idle}),
    ...(polling === undefined ? {} : {pollingIntervalSeconds: polling}),
    ...(cooldown === undefined ? {} : {cooldownPeriodSeconds: cooldown}),
    ...(initialCooldown === undefined ? {} : {initialCooldownPeriodSeconds: initialCooldown}),
    ...(Number.isFinite(created) ? {creationTimestampMs: created} : {}),
    triggers: metrics.map((metric, index) => ({
      name: metric.name,
      type: metric.type,
      ...(explicitType[index] ? {metricType: metric.targetType} : {}),
      threshold: metric.target,
      ...(metric.activationThreshold === null ? {} : {activationThreshold: metric.activationThreshold}),
    })),
    ...(fallback === undefined ? {} : {fallback}),
    ...(scalingModifiers === undefined ? {} : {scalingModifiers}),
    ...(behavior === undefined ? {} : {behavior}),
  }
  return {
    ...base,
    kind: 'ScaledObject',
    metrics,
    spec: {kind: 'keda', scaledObject},
    minReplicas: min ?? 0,
    maxReplicas: max ?? 100,
    statusCurrent: null,
    statusDesired: null,
    ownedBy: null,
  }
}

type ScalerBase = Pick<Scaler, 'namespace' | 'name' | 'target' | 'annotations' | 'labels' | 'problem'>

/** Reads one HPA or ScaledObject; anything wrong is the scaler's `problem`, with `spec` null. */
export function parseScaler(object: KubeObject): Scaler {
  const kind: ScalerKind = object.kind === 'ScaledObject' ? 'ScaledObject' : 'HorizontalPodAutoscaler'
  const base: ScalerBase = {
    namespace: object.metadata?.namespace ?? 'default',
    name: object.metadata?.name ?? '<unnamed>',
    target: targetRef(field(object.spec, 'scaleTargetRef')),
    annotations: stringRecord(object.metadata?.annotations),
    labels: stringRecord(object.metadata?.labels),
    problem: null,
  }
  try {
    const scaler = kind === 'ScaledObject' ? parseScaledObject(object, base) : parseHpa(object, base)
    if (scaler.target === null) return {...scaler, problem: 'spec.scaleTargetRef.name is missing; set the target'}
    return scaler
  } catch (error) {
    if (!(error instanceof ScalerProblem)) throw error
    return {
      ...base,
      kind,
      metrics: [],
      spec: null,
      minReplicas: 0,
      maxReplicas: 0,
      statusCurrent: null,
      statusDesired: null,
      ownedBy: null,
      problem: error.message,
    }
  }
}

export const isScalerObject = (object: KubeObject): boolean =>
  (object.kind === 'HorizontalPodAutoscaler' && (object.apiVersion ?? '').startsWith('autoscaling/')) ||
  (object.kind === 'ScaledObject' && (object.apiVersion ?? '').startsWith('keda.sh/'))

/** What the scaler's target runs, read from the Deployment or LeaderWorkerSet. */
export interface TargetInfo {
  readonly kind: string
  readonly name: string
  readonly replicas: number | null
  readonly model: string | null
  /**
   * GPUs (any resource named `<vendor>/gpu`) per replica: per pod × pods per group for a LeaderWorkerSet; null when
   * none is requested.
   */
  readonly acceleratorsPerReplica: number | null
  /** Looks like a vLLM / llm-d workload (image, args or llm-d.ai labels). */
  readonly llm: boolean
}

const modelKeys = ['llm-d.ai/model-id', 'llm-d.ai/model', 'llm-d.ai/modelID', 'inference.llm-d.ai/model']

function podSpecOf(template: unknown): unknown {
  return field(template, 'spec')
}

function containersOf(podSpec: unknown): unknown[] {
  const containers = field(podSpec, 'containers')
  return Array.isArray(containers) ? containers : []
}

function gpusOf(podSpec: unknown): number {
  let total = 0
  for (const container of containersOf(podSpec)) {
    const resources = field(container, 'resources')
    const limits = field(resources, 'limits')
    const raw = isRecord(limits) ? limits : field(resources, 'requests')
    for (const [key, value] of Object.entries(isRecord(raw) ? raw : {})) {
      if (!key.endsWith('/gpu')) continue
      total += parseQuantity(value) ?? 0
    }
  }
  return total
}

function modelFromArgs(podSpec: unknown): string | null {
  for (const container of containersOf(podSpec)) {
    const words = [field(container, 'command'), field(container, 'args')]
      .flatMap((list) => (Array.isArray(list) ? list : []))
      .filter((word): word is string => typeof word === 'string')
      .flatMap((word) => word.split(/\s+/))
    // vLLM's own arguments (not kubectl-va flags): --served-model-name, else --model.
    for (const flag of ['served-model-name', 'model'].map((name) => `--${name}`)) {
      const index = words.findIndex((word) => word === flag || word.startsWith(`${flag}=`))
      if (index < 0) continue
      const word = words[index]!
      const value = word.includes('=') ? word.slice(word.indexOf('=') + 1) : words[index + 1]
      if (value !== undefined && value !== '') return value
    }
    const serve = words.indexOf('serve')
    if (serve >= 0 && words[serve + 1] !== undefined && !words[serve + 1]!.startsWith('-')) return words[serve + 1]!
  }
  return null
}

/** The Deployment or LeaderWorkerSet a scaler targets, as far as replay needs it. */
export function readTarget(object: KubeObject): TargetInfo {
  const spec = object.spec
  const lws = object.kind === 'LeaderWorkerSet'
  const template = lws
    ? (field(field(spec, 'leaderWorkerTemplate'), 'workerTemplate') ??
      field(field(spec, 'leaderWorkerTemplate'), 'leaderTemplate'))
    : field(spec, 'template')
  const podSpec = podSpecOf(template)
  const labels = {
    ...stringRecord(object.metadata?.labels),
    ...stringRecord(field(field(template, 'metadata'), 'labels')),
  }
  const annotations = stringRecord(object.metadata?.annotations)
  const model =
    modelKeys.map((key) => annotations[key] ?? labels[key]).find((v) => v !== undefined) ?? modelFromArgs(podSpec)
  const size = lws ? (numberOrNull(field(field(spec, 'leaderWorkerTemplate'), 'size')) ?? 1) : 1
  const gpus = gpusOf(podSpec)
  const images = containersOf(podSpec).map((container) => String(field(container, 'image') ?? ''))
  const llm =
    images.some((image) => /vllm|llm-d/i.test(image)) ||
    Object.keys({...labels, ...annotations}).some((key) => key.startsWith('llm-d.ai/')) ||
    model !== null
  return {
    kind: object.kind ?? 'Deployment',
    name: object.metadata?.name ?? '',
    replicas: numberOrNull(field(spec, 'replicas')),
    model,
    acceleratorsPerReplica: gpus > 0 ? gpus * size : null,
    llm,
  }
}

/** The model a scaler serves: its llm-d.ai annotations or labels, else its target's. */
export function scalerModel(scaler: Scaler, target: TargetInfo | null): string | null {
  for (const key of modelKeys) {
    const value = scaler.annotations[key] ?? scaler.labels[key]
    if (value !== undefined && value !== '') return value
  }
  return target?.model ?? null
}

/** Whether the scaler belongs in `kubectl va scalers` without a name: an llm-d annotation, or an LLM target. */
export function scalesLlmWorkload(scaler: Scaler, target: TargetInfo | null): boolean {
  if (Object.keys({...scaler.annotations, ...scaler.labels}).some((key) => key.startsWith('llm-d.ai/'))) return true
  return target?.llm === true
}
