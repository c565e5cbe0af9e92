/**
 * A KEDA ScaledObject, ported from KEDA v2.20.2:
 * - controllers/keda/hpa.go (`newHPAForScaledObject`, `getScaledObjectMetricSpecs`): the HPA KEDA creates;
 * - pkg/scaling/scale_handler.go (`getScaledObjectState`, `getScalerState`, `GetScaledObjectMetrics`): activity at a
 *   poll and the values the HPA reads through the external metrics API;
 * - pkg/fallback/fallback.go (`GetMetricsWithFallback`, `doFallback`, `HasValidFallback`);
 * - pkg/scaling/modifiers/formula.go (`HandleScalingModifiers`, `calculateScalingModifiersFormula`);
 * - pkg/scaling/executor/scale_scaledobjects.go (`RequestScale`, `scaleToZeroOrIdle`, `scaleFromZeroOrIdle`).
 * Pure: the operator's memory travels in `KedaState`, the clock in `nowMs`.
 */
import {InputError} from '../../errors.js'
import {hpaStep, initialHpaState, resolveHpa, type ResolvedHpa} from '../hpa/controller.js'
import {kedaMilli, quantityMilli, truncMilli} from '../hpa/quantity.js'
import {
  isReadingError,
  readingError,
  type HpaMetricSpec,
  type HpaSpec,
  type HpaWhy,
  type MetricReading,
} from '../hpa/types.js'
import {compileFormula, evaluateFormula, FormulaError, type CompiledFormula} from './formula.js'
import type {
  KedaAction,
  KedaMetricType,
  KedaPollWhy,
  KedaState,
  KedaStepResult,
  KedaTrigger,
  ScaledObjectSpec,
  TriggerOutcome,
} from './types.js'

export const compositeMetricName = 'composite-metric'
export const defaultPollingIntervalSeconds = 30
export const defaultCooldownPeriodSeconds = 300
const defaultHpaMaxReplicas = 100

const isResourceTrigger = (trigger: KedaTrigger): boolean => trigger.type === 'cpu' || trigger.type === 'memory'

/** A ScaledObject validated once, with its compiled formula and the HPA KEDA would create for it. */
export interface ResolvedScaledObject {
  readonly spec: ScaledObjectSpec
  readonly minReplicas: number
  readonly pollingIntervalMs: number
  readonly cooldownMs: number
  readonly initialCooldownMs: number
  readonly formula: CompiledFormula | null
  /** `scalingModifiers.target` as a float, when a formula is used. */
  readonly compositeTarget: number | null
  /** `HasValidFallback`: fallback set, non-negative, and (with modifiers) an integer target > 0. */
  readonly fallbackValid: boolean
  readonly hpa: ResolvedHpa
}

/** Go's strconv.ParseFloat for the plain decimal forms a CRD string holds. */
function parseFloatStrict(text: string): number | null {
  if (!/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(text.trim()) || text.trim() !== text) return null
  return Number(text)
}

/**
 * A numeric trigger field as written in the ScaledObject (`threshold`, `activationThreshold`: strings parsed with
 * Go's strconv.ParseFloat); a typed error naming the scaler and the field otherwise.
 */
export function parseTriggerNumber(scaler: string, trigger: string, field: string, text: string): number {
  const value = parseFloatStrict(text)
  if (value === null || !Number.isFinite(value)) {
    throw new InputError(`scaler ${scaler}: trigger ${trigger}: ${field} ${JSON.stringify(text)} is not a number`)
  }
  return value
}

/** The HPA `newHPAForScaledObject` builds: min max(1, minReplicaCount), max default 100, metrics as below. */
export function hpaSpecForScaledObject(spec: ScaledObjectSpec, options: HpaControllerOptions = {}): HpaSpec {
  const external: HpaMetricSpec[] = []
  const resource: HpaMetricSpec[] = []
  for (const trigger of spec.triggers) {
    if (isResourceTrigger(trigger)) {
      const targetType: KedaMetricType = trigger.metricType ?? 'Utilization'
      const targetMilli =
        targetType === 'Utilization' ? Math.trunc(trigger.threshold) : quantityMilli(trigger.threshold)
      resource.push({name: trigger.name, source: 'Resource', targetType, targetMilli})
    } else {
      const targetType: KedaMetricType = trigger.metricType ?? 'AverageValue'
      external.push({name: trigger.name, source: 'External', targetType, targetMilli: kedaMilli(trigger.threshold)})
    }
  }
  let metrics: HpaMetricSpec[] = [...external, ...resource]
  const modifiers = spec.scalingModifiers
  if (modifiers !== undefined) {
    const target = parseFloatStrict(modifiers.target) ?? 0
    if (target > 0) {
      const composite: HpaMetricSpec = {
        name: compositeMetricName,
        source: 'External',
        targetType: modifiers.metricType ?? 'AverageValue',
        targetMilli: truncMilli(target),
      }
      metrics = [...resource, composite]
    }
  }
  const min = spec.minReplicaCount ?? 0
  return {
    name: spec.name,
    minReplicas: min > 0 ? min : 1,
    maxReplicas: spec.maxReplicaCount ?? defaultHpaMaxReplicas,
    metrics,
    ...(spec.behavior === undefined ? {} : {behavior: spec.behavior}),
    ...(options.tolerance === undefined ? {} : {tolerance: options.tolerance}),
    ...(options.downscaleStabilizationSeconds === undefined
      ? {}
      : {downscaleStabilizationSeconds: options.downscaleStabilizationSeconds}),
  }
}

/** kube-controller-manager flags that shape the HPA KEDA creates. */
export interface HpaControllerOptions {
  readonly tolerance?: number
  readonly downscaleStabilizationSeconds?: number
}

/** Validates a ScaledObject as KEDA's webhook and reconciler would; errors are typed and name the scaler. */
export function resolveScaledObject(spec: ScaledObjectSpec, options: HpaControllerOptions = {}): ResolvedScaledObject {
  const fail = (what: string): never => {
    throw new InputError(`scaler ${spec.name}: ${what}`)
  }
  const count = (value: number | undefined, what: string): void => {
    if (value !== undefined && !(Number.isInteger(value) && value >= 0)) {
      fail(`${what} ${value} is not a non-negative integer`)
    }
  }
  count(spec.minReplicaCount, 'minReplicaCount')
  count(spec.maxReplicaCount, 'maxReplicaCount')
  count(spec.idleReplicaCount, 'idleReplicaCount')
  count(spec.cooldownPeriodSeconds, 'cooldownPeriod')
  count(spec.initialCooldownPeriodSeconds, 'initialCooldownPeriod')
  const polling = spec.pollingIntervalSeconds ?? defaultPollingIntervalSeconds
  if (!(Number.isInteger(polling) && polling > 0)) fail(`pollingInterval ${polling} is not a positive integer`)
  const min = spec.minReplicaCount ?? 0
  const max = spec.maxReplicaCount ?? defaultHpaMaxReplicas
  if (min > max) fail(`minReplicaCount ${min} is greater than maxReplicaCount ${max}`)
  if (spec.idleReplicaCount !== undefined && spec.idleReplicaCount >= min) {
    fail(`idleReplicaCount ${spec.idleReplicaCount} must be less than minReplicaCount ${min}`)
  }
  if (spec.triggers.length === 0) fail('no triggers')
  const names = new Set<string>()
  for (const trigger of spec.triggers) {
    if (trigger.name === '') fail(`a ${trigger.type} trigger has no name`)
    if (names.has(trigger.name)) fail(`trigger ${trigger.name} is defined twice`)
    names.add(trigger.name)
    if (!Number.isFinite(trigger.threshold)) {
      fail(`trigger ${trigger.name}: threshold ${trigger.threshold} is not a number`)
    }
    if (!(trigger.threshold > 0)) fail(`trigger ${trigger.name}: threshold ${trigger.threshold} must be positive`)
    const activation = trigger.activationThreshold ?? 0
    if (!Number.isFinite(activation)) fail(`trigger ${trigger.name}: activationThreshold ${activation} is not a number`)
    if (!isResourceTrigger(trigger) && trigger.metricType === 'Utilization') {
      fail(`trigger ${trigger.name}: metricType Utilization applies to cpu and memory triggers only`)
    }
  }
  let formula: CompiledFormula | null = null
  let compositeTarget: number | null = null
  const modifiers = spec.scalingModifiers
  if (modifiers !== undefined) {
    if (modifiers.formula === '') fail('scalingModifiers.formula is mandatory')
    if (modifiers.target === '') fail('scalingModifiers.target is empty but a formula is given')
    const formulaNames = spec.triggers.filter((trigger) => !isResourceTrigger(trigger)).map((trigger) => trigger.name)
    formula = compileFormula(spec.name, modifiers.formula, formulaNames)
    compositeTarget = parseFloatStrict(modifiers.target)
    if (compositeTarget === null || !(compositeTarget > 0)) {
      fail(`scalingModifiers.target ${JSON.stringify(modifiers.target)} is not a positive number`)
    }
    if (modifiers.metricType === 'Utilization') fail('scalingModifiers.metricType must be AverageValue or Value')
    if (modifiers.activationTarget !== undefined && modifiers.activationTarget !== '') {
      if (parseFloatStrict(modifiers.activationTarget) === null) {
        fail(`scalingModifiers.activationTarget ${JSON.stringify(modifiers.activationTarget)} is not a number`)
      }
    }
  }
  const fallback = spec.fallback
  let fallbackValid = false
  if (fallback !== undefined) {
    const integerTarget =
      modifiers === undefined || (/^[+-]?\d+$/.test(modifiers.target) && Number(modifiers.target) > 0)
    fallbackValid = fallback.failureThreshold >= 0 && fallback.replicas >= 0 && integerTarget
  }
  return {
    spec,
    minReplicas: min,
    pollingIntervalMs: polling * 1000,
    cooldownMs: (spec.cooldownPeriodSeconds ?? defaultCooldownPeriodSeconds) * 1000,
    initialCooldownMs: (spec.initialCooldownPeriodSeconds ?? 0) * 1000,
    formula,
    compositeTarget,
    fallbackValid,
    hpa: resolveHpa(hpaSpecForScaledObject(spec, options)),
  }
}

/** The state before the first poll: the replicas recorded at `--from`. */
export const initialKedaState = (replicas: number, lastActiveMs: number | null = null): KedaState => ({
  hpa: initialHpaState(replicas),
  lastActiveMs,
  failures: new Map(),
})

/** `GetMetricsWithFallback` for one external trigger; returns the outcome and the updated failure count. */
function readTrigger(
  so: ResolvedScaledObject,
  trigger: KedaTrigger,
  reading: MetricReading | undefined,
  failures: Map<string, number>,
  currentReplicas: number,
): TriggerOutcome {
  const fallback = so.spec.fallback
  if (reading !== undefined && !isReadingError(reading)) {
    if (so.fallbackValid) failures.set(trigger.name, 0)
    const milli = kedaMilli(reading)
    const active = reading > (trigger.activationThreshold ?? 0)
    return {kind: 'value', trigger: trigger.name, raw: reading, value: milli / 1000, active}
  }
  const message = reading === undefined ? `no sample for trigger ${trigger.name}` : reading.message
  if (fallback === undefined || !so.fallbackValid) {
    return {kind: 'error', trigger: trigger.name, message, failures: null}
  }
  const count = (failures.get(trigger.name) ?? 0) + 1
  failures.set(trigger.name, count)
  if (count <= fallback.failureThreshold) return {kind: 'error', trigger: trigger.name, message, failures: count}
  const behavior = fallback.behavior ?? 'static'
  if (behavior === 'scalingModifiers') return {kind: 'nil-for-formula', trigger: trigger.name, failures: count}
  let replicas: number
  switch (behavior) {
    case 'currentReplicas':
      replicas = currentReplicas
      break
    case 'currentReplicasIfHigher':
      replicas = Math.max(currentReplicas, fallback.replicas)
      break
    case 'currentReplicasIfLower':
      replicas = Math.min(currentReplicas, fallback.replicas)
      break
    default:
      replicas = fallback.replicas
  }
  const usesModifiers = so.formula !== null
  const valueType = usesModifiers ? so.spec.scalingModifiers?.metricType === 'Value' : trigger.metricType === 'Value'
  if (valueType) {
    // Value targets: divide by the ready replicas so that the HPA's ratio × replicas lands on the fallback count.
    if (currentReplicas === 0) {
      const why = 'error performing fallback: no ready replicas'
      return {kind: 'error', trigger: trigger.name, message: why, failures: count}
    }
    replicas /= currentReplicas
  }
  const normalisation = usesModifiers ? (so.compositeTarget ?? 0) : kedaMilli(trigger.threshold) / 1000
  const value = goInt64(normalisation * 1000 * replicas) / 1000
  return {kind: 'fallback', trigger: trigger.name, failures: count, value}
}

/** Go's int64(x) for a float: truncation toward zero. */
const goInt64 = (value: number): number => (value < 0 ? Math.ceil(value) : Math.floor(value)) + 0

interface Evaluation {
  readonly outcomes: readonly TriggerOutcome[]
  readonly error: boolean
  readonly fallbackActive: boolean
  /** Per external metric name the value served (metric units) or why none was. */
  readonly served: ReadonlyMap<string, MetricReading>
  readonly composite: number | null
  readonly formulaError: string | null
  readonly failures: ReadonlyMap<string, number>
}

/** Reads every external trigger once (a poll, or an HPA read of all metrics) and applies fallback and modifiers. */
function evaluate(
  so: ResolvedScaledObject,
  readings: ReadonlyMap<string, MetricReading>,
  state: KedaState,
): Evaluation {
  // Failure counts change only with a valid fallback (readTrigger); without one the map is shared, not copied.
  const failures = so.fallbackValid ? new Map(state.failures) : (state.failures as Map<string, number>)
  const outcomes: TriggerOutcome[] = []
  const served = new Map<string, MetricReading>()
  let error = false
  let fallbackActive = false
  let fallbackValue: number | null = null
  for (const trigger of so.spec.triggers) {
    if (isResourceTrigger(trigger)) {
      outcomes.push({kind: 'resource', trigger: trigger.name})
      const reading = readings.get(trigger.name)
      served.set(trigger.name, reading ?? readingError(`no sample for ${trigger.type} trigger ${trigger.name}`))
      continue
    }
    const outcome = readTrigger(so, trigger, readings.get(trigger.name), failures, state.hpa.replicas)
    outcomes.push(outcome)
    switch (outcome.kind) {
      case 'value':
        served.set(trigger.name, outcome.value)
        break
      case 'fallback':
        fallbackActive = true
        fallbackValue ??= outcome.value
        served.set(trigger.name, outcome.value)
        break
      case 'nil-for-formula':
        // KEDA serves a placeholder of -1; a negative usage and a zero usage both propose 0 replicas to the HPA.
        served.set(trigger.name, -1)
        break
      default:
        error = true
        served.set(trigger.name, readingError(outcome.kind === 'error' ? outcome.message : 'unavailable'))
    }
  }
  let composite: number | null = null
  let formulaError: string | null = null
  if (so.formula !== null) {
    if (fallbackActive && fallbackValue !== null) {
      composite = fallbackValue
    } else if (!error) {
      const values = new Map<string, number | null>()
      for (const outcome of outcomes) {
        if (outcome.kind === 'value') values.set(outcome.trigger, outcome.value)
        else if (outcome.kind === 'nil-for-formula') values.set(outcome.trigger, null)
      }
      try {
        let result = evaluateFormula(so.formula, values)
        if (result === null) {
          // scalingModifiersFallbackTarget: fallback.replicas × target, or an error without a fallback.
          if (so.spec.fallback === undefined) {
            const message = `scaler ${so.spec.name}: scalingModifiers formula evaluated to nil and no fallback is set`
            throw new FormulaError(message)
          }
          result = so.spec.fallback.replicas * (so.compositeTarget ?? 0)
        }
        composite = truncMilli(result) / 1000
      } catch (caught) {
        if (!(caught instanceof FormulaError)) throw caught
        formulaError = caught.message
      }
    }
    served.set(
      compositeMetricName,
      composite !== null
        ? composite
        : readingError(formulaError ?? (error ? 'a trigger of the composite metric failed' : 'no composite value')),
    )
  }
  return {outcomes, error, fallbackActive, served, composite, formulaError, failures}
}

/**
 * One operator poll (`checkScalers` → `getScaledObjectState` → `RequestScale`) at `nowMs`, with each trigger's
 * reading.
 * Changes only what KEDA itself changes: 0 ↔ 1 (or idle ↔ min) activation, lastActiveTime and failure counts.
 */
export function kedaStep(
  state: KedaState,
  readings: ReadonlyMap<string, MetricReading>,
  so: ResolvedScaledObject,
  nowMs: number,
): KedaStepResult {
  return kedaPoll(state, readings, so, nowMs).result
}

/** kedaStep, and the evaluation it made (what the metrics server would serve with the same readings). */
function kedaPoll(
  state: KedaState,
  readings: ReadonlyMap<string, MetricReading>,
  so: ResolvedScaledObject,
  nowMs: number,
): {readonly result: KedaStepResult; readonly evaluation: Evaluation} {
  const spec = so.spec
  const evaluation = evaluate(so, readings, state)
  let active = false
  if (so.formula !== null) {
    if (!evaluation.error && evaluation.composite !== null) {
      const activation = spec.scalingModifiers?.activationTarget
      const threshold = activation === undefined || activation === '' ? 0 : Number(activation)
      active = evaluation.composite > threshold
    }
  } else {
    active = evaluation.outcomes.some(
      (outcome) => (outcome.kind === 'value' && outcome.active) || outcome.kind === 'fallback',
    )
  }
  const resourceCount = spec.triggers.filter(isResourceTrigger).length
  if (spec.triggers.length <= resourceCount && !evaluation.error) active = true

  const current = state.hpa.replicas
  const min = so.minReplicas
  const idle = spec.idleReplicaCount
  let replicas = current
  let lastActiveMs = state.lastActiveMs
  let action: KedaAction = {kind: 'none'}
  if (active) {
    if ((idle !== undefined && current < min) || current === 0) {
      replicas = min > 0 ? min : 1
      lastActiveMs = nowMs
      action = {kind: 'activate', from: current, to: replicas}
    } else if (evaluation.error) {
      action = {kind: 'hold-on-error'}
    } else {
      lastActiveMs = nowMs
      action = {kind: 'active'}
    }
  } else if (evaluation.error && spec.fallback !== undefined && spec.fallback.replicas !== 0) {
    action = {kind: 'hold-on-error'}
  } else if (evaluation.error && spec.fallback === undefined) {
    action = {kind: 'hold-on-error'}
  } else if ((idle !== undefined && current > idle) || (current > 0 && min === 0)) {
    // scaleToZeroOrIdle: strictly after lastActiveTime + cooldownPeriod (or, never active, after
    // creationTimestamp + initialCooldownPeriod; an unknown creation time counts as long ago).
    const created = spec.creationTimestampMs ?? Number.NEGATIVE_INFINITY
    const deactivateAfterMs = lastActiveMs === null ? created + so.initialCooldownMs : lastActiveMs + so.cooldownMs
    const due = deactivateAfterMs < nowMs
    if (due) {
      replicas = idle ?? min
      action = {kind: 'deactivate', from: current, to: replicas}
    } else {
      action = {kind: 'cooling-down', lastActiveMs, deactivateAfterMs}
    }
  } else if (idle === undefined && current < min) {
    replicas = min
    action = {kind: 'set-min', from: current, to: min}
  }
  const why: KedaPollWhy = {
    active,
    error: evaluation.error,
    fallbackActive: evaluation.fallbackActive,
    triggers: evaluation.outcomes,
    composite: evaluation.composite,
    formulaError: evaluation.formulaError,
    action,
  }
  return {
    result: {state: {hpa: {...state.hpa, replicas}, lastActiveMs, failures: evaluation.failures}, replicas, why},
    evaluation,
  }
}

/**
 * The values the HPA reads for its External metrics at a sync (`GetScaledObjectMetrics`, once per HPA metric): each
 * read queries the scaler again, so failure counts advance here too. Resource (cpu/memory) readings pass through.
 */
export function hpaReadingsForScaledObject(
  state: KedaState,
  readings: ReadonlyMap<string, MetricReading>,
  so: ResolvedScaledObject,
): {readonly state: KedaState; readonly readings: ReadonlyMap<string, MetricReading>} {
  const evaluation = evaluate(so, readings, state)
  // Each External metric is read on its own: an error without an active fallback is that metric's error only.
  return {state: {...state, failures: evaluation.failures}, readings: evaluation.served}
}

export interface ScaledObjectSyncResult {
  readonly state: KedaState
  readonly replicas: number
  readonly keda: KedaPollWhy | null
  readonly hpa: HpaWhy
}

/**
 * One instant of the replay: KEDA polls first when `poll` is true, then the HPA syncs on the count KEDA left.
 */
export function scaledObjectSync(
  state: KedaState,
  readings: ReadonlyMap<string, MetricReading>,
  so: ResolvedScaledObject,
  nowMs: number,
  poll: boolean,
): ScaledObjectSyncResult {
  let current = state
  let keda: KedaPollWhy | null = null
  let served: ReadonlyMap<string, MetricReading> | null = null
  if (poll) {
    const polled = kedaPoll(current, readings, so, nowMs)
    current = polled.result.state
    keda = polled.result.why
    // Without a valid fallback no failure count changes and the current replicas do not enter the values: the HPA's
    // read at the same instant serves exactly what the poll evaluated, so it is not evaluated twice.
    if (!so.fallbackValid) served = polled.evaluation.served
  }
  const read = served === null ? hpaReadingsForScaledObject(current, readings, so) : {state: current, readings: served}
  const synced = hpaStep(read.state.hpa, read.readings, so.hpa, nowMs)
  return {state: {...read.state, hpa: synced.state}, replicas: synced.replicas, keda, hpa: synced.why}
}
