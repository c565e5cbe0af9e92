/**
 * WVA v0.6-v0.9: the SimulationItems of an installation decided by saturation V2 or the queueing model
 * (decide/wva-variants). Readings: the live ones (`sources.wvaReadings`), else the MetricsSnapshots of the sources
 * (later documents win per pod and per model). With the V1 engine selected, undefined: the in-memory VAs then go
 * through the v0.5 saturation pipeline like any shape C VA. Pure.
 */
import {decideWvaVariants, type WvaDecideResult, type WvaVariantDecision} from '../decide/wva-variants/decide.js'
import {readControllerEnv} from '../model/controller.js'
import type {MetricsSnapshot, ModelMetrics, PodMetrics} from '../model/metrics.js'
import type {SourceSet} from '../model/sources.js'
import type {WvaVariant} from '../model/wva-variant.js'
import type {CauseCode, ReasonCode, SimulationItem, SimulationResult, WvaVariantDetail} from './simulation-result.js'
import type {WhatIf} from '../model/what-if.js'
import {hasWvaLoadWhatIf, scaleWvaReadings} from './wva-load.js'

/** The readings in effect: live, else every snapshot merged (later wins). */
export function wvaReadingsOf(sources: SourceSet): {
  pods: PodMetrics[] | undefined
  models: ModelMetrics[]
  snapshot: Pick<MetricsSnapshot, 'serviceParms' | 'requestsInRetention'>
} {
  const documents = sources.wvaReadings !== undefined ? [sources.wvaReadings] : sources.metricsSnapshots
  if (documents.length === 0) return {pods: undefined, models: [], snapshot: {}}
  const pods = new Map<string, PodMetrics>()
  const models = new Map<string, ModelMetrics>()
  const serviceParms = new Map<string, NonNullable<MetricsSnapshot['serviceParms']>[number]>()
  const requests = new Map<string, NonNullable<MetricsSnapshot['requestsInRetention']>[number]>()
  for (const document of documents) {
    for (const pod of document.pods ?? []) pods.set(`${pod.namespace}\u0000${pod.name}`, pod)
    for (const model of document.models) models.set(`${model.namespace}\u0000${model.modelID}`, model)
    for (const parms of document.serviceParms ?? []) serviceParms.set(`${parms.namespace}\u0000${parms.variant}`, parms)
    for (const count of document.requestsInRetention ?? [])
      requests.set(`${count.namespace}\u0000${count.modelID}`, count)
  }
  return {
    pods: [...pods.values()],
    models: [...models.values()],
    snapshot: {serviceParms: [...serviceParms.values()], requestsInRetention: [...requests.values()]},
  }
}

/** The readings in effect under the load what-ifs (wva-load.ts), and the notes of models they could not scale. */
export function wvaReadingsUnder(
  sources: SourceSet,
  whatIf: WhatIf | undefined,
): ReturnType<typeof wvaReadingsOf> & {notes: string[]} {
  const readings = wvaReadingsOf(sources)
  if (whatIf === undefined || !hasWvaLoadWhatIf(whatIf)) return {...readings, notes: []}
  const scaled = scaleWvaReadings(readings, whatIf, sources.wva?.variants ?? [])
  return {...readings, pods: scaled.readings.pods, models: scaled.readings.models, notes: scaled.notes}
}

/** Every variant's decision for the installation of `sources` (under the load what-ifs); undefined before v0.6. */
export function decideInstallation(sources: SourceSet, whatIf?: WhatIf): WvaDecideResult | undefined {
  const installation = sources.wva
  if (installation === undefined) return undefined
  const readings = wvaReadingsUnder(sources, whatIf)
  const env = readControllerEnv(sources.controllerDeployment, sources.configMaps)
  return decideWvaVariants({
    release: installation.release,
    variants: installation.variants,
    targets: installation.targets,
    configMaps: sources.configMaps,
    env: {saturationConfigMapName: env.saturationConfigMapName, scaleToZero: env.scaleToZero},
    pods: readings.pods,
    models: readings.models,
    serviceParms: readings.snapshot.serviceParms,
    requestCounts: readings.snapshot.requestsInRetention,
    thresholds: {scaleUpThreshold: whatIf?.scaleUpThreshold, scaleDownBoundary: whatIf?.scaleDownBoundary},
  })
}

/** The last events about a variant (its VA, or the in-memory VA / scaler of the same name), newest first. */
function eventsOf(sources: SourceSet, variant: WvaVariant): WvaVariantDetail['events'] {
  const text = (value: unknown): string => (typeof value === 'string' ? value : '')
  return (sources.events ?? [])
    .filter((event) => {
      const involved = event.involvedObject as {name?: unknown; namespace?: unknown} | undefined
      return involved?.name === variant.name && (involved.namespace ?? event.metadata?.namespace) === variant.namespace
    })
    .map((event) => ({
      type: text(event.type),
      reason: text(event.reason),
      message: text(event.message),
      count: typeof event.count === 'number' ? event.count : 1,
      lastSeen: text(event.lastTimestamp) || text(event.eventTime) || event.metadata?.creationTimestamp || null,
    }))
    .sort((a, b) => (b.lastSeen ?? '').localeCompare(a.lastSeen ?? ''))
    .slice(0, 5)
}

function gaugesOf(sources: SourceSet, variant: WvaVariant): Record<string, number> {
  const out: Record<string, number> = {}
  for (const gauge of sources.wvaGauges ?? []) {
    if (gauge.namespace === variant.namespace && gauge.variant === variant.name) out[gauge.gauge] = gauge.value
  }
  return out
}

function detail(
  sources: SourceSet,
  variant: WvaVariant,
  decision: WvaVariantDecision,
  release: string,
  optimizer: string | null,
): WvaVariantDetail {
  return {
    gauges: gaugesOf(sources, variant),
    events: eventsOf(sources, variant),
    kind: variant.kind,
    release,
    minReplicas: variant.minReplicas,
    maxReplicas: variant.maxReplicas,
    role: decision.role,
    optimizer,
    outcome: decision.outcome,
    capacity: decision.capacity === undefined ? null : {...decision.capacity},
    utilization: decision.utilization ?? null,
    problems: [...decision.problems],
    scaler:
      variant.scaler === undefined
        ? null
        : {
            kind: variant.scaler.kind,
            triggers: [...variant.scaler.triggers],
            currentReplicas: variant.scaler.currentReplicas ?? null,
            desiredReplicas: variant.scaler.desiredReplicas ?? null,
          },
  }
}

/**
 * The SimulationResult of a v0.6+ installation decided by V2 or the queueing model; undefined when there is no
 * such installation or it runs V1.
 */
export function simulateWvaInstallation(sources: SourceSet, whatIf?: WhatIf): SimulationResult | undefined {
  const installation = sources.wva
  const decided = decideInstallation(sources, whatIf)
  if (installation === undefined || decided === undefined || decided.selection.engine === 'saturation-v1') {
    return undefined
  }
  const optimizer = 'optimizer' in decided.selection ? decided.selection.optimizer : null
  const engine: SimulationItem['engine'] =
    decided.selection.engine === 'saturation-v2' ? 'saturation-v2' : 'queueing-v2'
  const readings = wvaReadingsUnder(sources, whatIf)
  // Only the variants still in the sources (a command may have kept some by name); all are decided together.
  const kept = new Set(
    sources.variantAutoscalings.map(
      (object) => `${object.metadata?.namespace ?? 'default'}\u0000${object.metadata?.name}`,
    ),
  )
  const shown = installation.variants.filter((variant) => kept.has(`${variant.namespace}\u0000${variant.name}`))
  const items = shown.map((variant): SimulationItem => {
    const decision = decided.decisions.find(
      (candidate) => candidate.namespace === variant.namespace && candidate.name === variant.name,
    )!
    const model = readings.models.find(
      (entry) => entry.namespace === variant.namespace && entry.modelID === variant.modelID,
    )
    const current = decision.currentReplicas
    const desired = decision.desiredReplicas
    return {
      namespace: variant.namespace,
      name: variant.name,
      modelID: variant.modelID,
      accelerator: decision.accelerator === '' ? null : decision.accelerator,
      shape: variant.kind === 'VariantAutoscaling' ? 'D' : 'scaler',
      engine,
      outcome: desired === undefined ? 'skipped' : desired === 0 ? 'zeroLoad' : 'allocated',
      reason: decision.reason,
      load:
        model?.arrivalRateRpm === undefined
          ? null
          : {
              arrivalRate: model.arrivalRateRpm,
              avgInputTokens: model.avgInputTokens ?? null,
              avgOutputTokens: model.avgOutputTokens ?? null,
            },
      loadSources: [],
      measured: model === undefined ? null : {ttftMs: model.ttftMs ?? null, itlMs: model.itlMs ?? null},
      slo: null,
      maxBatchSize: null,
      current: {replicas: current ?? 0, source: current === undefined ? 'default' : 'deployment'},
      controller: {desiredReplicas: variant.kind === 'VariantAutoscaling' ? (variant.desiredReplicas ?? null) : null},
      desired:
        desired === undefined
          ? null
          : {replicas: desired, accelerator: decision.accelerator, cost: variant.cost * desired},
      prediction: null,
      boundBy: null,
      saturation: null,
      variant: detail(sources, variant, decision, installation.release, optimizer),
      reasonCode: wvaReasonCode(decision),
      cause: causeOf(decision),
    }
  })
  const warnings = [
    ...readings.notes,
    ...decided.notes,
    ...decided.configProblems.map((problem) => `${problem.source}: ${problem.message}`),
  ]
  return {apiVersion: 'kubectl-va.llmd.ai/v1alpha1', kind: 'SimulationResult', items, warnings}
}

/**
 * WVA v0.6-v0.9 with the V1 engine selected: the in-memory VAs went through the v0.5 saturation engine. Each item
 * gets its variant (kind, release, bounds, scaler, events) and its target bounded by min/max, as v0.6+'s V1
 * analyzer bounds its targets (internal/saturation/analyzer.go); the rest of v0.6+'s V1 is v0.5.1's.
 */
export function boundV1Items(items: readonly SimulationItem[], sources: SourceSet): SimulationItem[] {
  const installation = sources.wva
  if (installation === undefined) return [...items]
  const release = installation.release
  return items.map((item) => {
    const variant = installation.variants.find(
      (candidate) => candidate.namespace === item.namespace && candidate.name === item.name,
    )
    if (variant === undefined) return item
    let desired = item.desired
    let reason = item.reason
    if (desired !== null) {
      const bounded = Math.min(Math.max(desired.replicas, variant.minReplicas), variant.maxReplicas)
      if (bounded !== desired.replicas) {
        const bounds = `${variant.minReplicas}/${variant.maxReplicas}`
        reason = `${reason === null ? '' : `${reason}; `}bounded to ${bounded} by min/max ${bounds}`
        desired = {...desired, replicas: bounded, cost: variant.cost * bounded}
      }
    }
    const decision: WvaVariantDecision = {
      namespace: item.namespace,
      name: item.name,
      engine: 'saturation-v1',
      outcome: desired === null ? 'undecided' : 'decided',
      desiredReplicas: desired?.replicas,
      currentReplicas: item.current.replicas,
      readyReplicas: undefined,
      accelerator: item.accelerator ?? '',
      role: 'both',
      reason: reason ?? '',
      problems: targetProblem(installation, variant),
      capacity: undefined,
      utilization: undefined,
    }
    return {
      ...item,
      shape: variant.kind === 'VariantAutoscaling' ? 'D' : 'scaler',
      desired,
      reason,
      variant: detail(sources, variant, decision, release, null),
    }
  })
}

/** The missing scale target of a variant, as a problem (`<what>; <fix>`); none when targets were not read. */
function targetProblem(installation: NonNullable<SourceSet['wva']>, variant: WvaVariant): string[] {
  if (installation.targets.length === 0) return []
  const found = installation.targets.some(
    (target) =>
      (target.metadata?.namespace ?? 'default') === variant.namespace &&
      target.metadata?.name === variant.target.name &&
      (target.kind ?? 'Deployment') === variant.target.kind,
  )
  if (found) return []
  const {kind, name} = variant.target
  return [
    `scale target ${kind} ${variant.namespace}/${name}: not found; ` +
      `check spec.scaleTargetRef.name, or create the ${kind}`,
  ]
}

/** The reason code of a V2 / queueing-model decision: the target against the scale target's replicas. */
function wvaReasonCode(decision: WvaVariantDecision): ReasonCode {
  if (decision.outcome === 'held') return 'wva-held'
  if (decision.outcome === 'undecided' || decision.desiredReplicas === undefined) return 'wva-undecided'
  const current = decision.currentReplicas ?? 0
  if (decision.desiredReplicas > current) return 'wva-scale-up'
  return decision.desiredReplicas < current ? 'wva-scale-down' : 'wva-no-change'
}

function causeOf(decision: WvaVariantDecision): CauseCode | null {
  switch (decision.cause) {
    case undefined:
    case 'v1-engine':
    case 'no-decision':
      return null
    default:
      return decision.cause
  }
}
