import type {ModelMetricsPoint} from '../collect/history.js'
import type {PodSeries} from '../collect/pod-history.js'
import type {PodMetrics} from '../model/metrics.js'
import type {VariantAutoscaling} from '../model/variant-autoscaling.js'
import {parseGoDuration} from '../decide/saturation/go-duration.js'
import {compareNames, type ScalingAction} from '../decide/saturation/types.js'
import type {SaturationEngine} from '../decide/engine-select.js'
import {overflowRequestsPerKv, readingFromDemand, scaleDemand} from '../decide/saturation/groups/load-model.js'
import {deploymentKey, matchNamePrefix} from '../decide/saturation/groups/pod-mapping.js'
import {
  createRunPlanner,
  parseVariantCost,
  requestCountKey,
  runSaturationEngines,
  type RunPlanner,
  type SaturationOverrides,
  type SimulatedReplicas,
} from '../decide/saturation/groups/run-groups.js'
import {skipSentence, unwrittenWithoutLabelSentence} from './saturation-wording.js'
import {
  computedTarget,
  decisionOf,
  skipOf,
  writtenTarget,
  type SaturationSkip,
  type SaturationVariantResult,
} from '../decide/saturation/groups/variant-result.js'
import {type ClusterState, deriveClusterState} from '../model/cluster-state.js'
import {
  summarizeSteps,
  type ReplayGrid,
  type ReplaySeriesSources,
  type ReplayStep,
  type ReplaySummary,
  type TimedValue,
  type VaReplay,
} from './replay.js'
import {mapReadingsToReplicas, type PodReading, type ReadingsModel} from '../model/saturation-readings.js'

/**
 * "What would the saturation engine have done": a SIMULATION of the controller's cycles over a past range, for the
 * VAs sized by the capacity (v0.4.2) or saturation V1 (v0.5.1) engine.
 *
 * Unlike the queueing model, these engines are stateful: each cycle moves at most one variant of a model by ±1
 * from its current replicas, and holds while a variant is in transition. Recomputing every step from the replicas
 * that actually ran would show one step of ±1 around reality, never where the rule leads. So we run the controller's
 * loop on OUR replicas:
 *
 * - Start: our replicas at the first step are the observed ones (the actual series at that time, else the
 *   Deployment's current replicas); our desired starts equal to them (a stable model).
 * - Cycles run at the controller's cadence (`resolveSaturationCadence`: v0.5.x every 30 s; v0.4.x every
 *   GLOBAL_OPT_INTERVAL of the main ConfigMap, 60 s by default), at start + k × cadence. Each cycle runs the engine
 *   (`runSaturationEngines`, the same code as `simulate`) with every variant state set to our simulated replicas
 *   (current = ours, desired = our previous target; typed, `createRunPlanner(...).withReplicas`: the objects are
 *   parsed once and the config resolved once for the whole replay), on the readings of the grid step containing
 *   the cycle (sample-and-hold: the grid is all we know between two steps).
 * - Cycles ↔ steps: the value shown at step t is our replicas after every cycle at or before t. With step = cadence
 *   that is one cycle per step; with a coarser step, several cycles per step on the same held readings (the ±1 rule
 *   can then move up to step / cadence replicas within a step, as the controller could); with a finer step, steps
 *   without a cycle carry the replicas over. Cycles that would see the same inputs as the previous one (nothing
 *   changed, nothing pending) are skipped: they cannot change anything.
 * - Actuation is immediate: the replicas follow our target at once (no HPA/KEDA lag). A replica we add becomes ready
 *   `replicaStartupSeconds` later (default 0); until then it is pending, reports nothing, and the engines' pending
 *   and transition guards apply to it as they would. Scale-downs remove pending replicas first, as ReplicaSets do.
 * - THE READINGS COME FROM THE PODS THAT ACTUALLY RAN, not from our hypothetical replicas. When our ready replicas
 *   differ from the pods that reported, the readings are mapped onto ours (`saturation-readings.ts`: by default the
 *   observed load is spread over our replicas). That mapping is a model, not a measurement.
 * - A VA whose pods did not report at a step has `noData` there and its replicas carry over (the controller skips a
 *   model without metrics). A v0.5.1 variant at 0 replicas is left to scale-from-zero, which we approximate: back to
 *   1 replica at the first cycle whose request-count reading (the scale-to-zero query) is above 0.
 * - Scale-to-zero uses the grid's `increase(vllm:request_success_total[retention])` reading; a missing reading keeps
 *   the targets, as upstream does on a query error. The GPU limiter is not simulated.
 */

/**
 * v0.5.x: the saturation engine's polling executor runs every 30 s, whatever GLOBAL_OPT_INTERVAL says
 * (wva-controller.md 6.4, 12).
 */
export const saturationV051CadenceSeconds = 30
/** v0.4.x reconciles every GLOBAL_OPT_INTERVAL, 60 s when unset (wva-controller.md 6.2, 12). */
export const defaultGlobalOptIntervalSeconds = 60

export interface SaturationCadence {
  seconds: number
  /** Where it came from, for the output. */
  source: string
}

/** The controller's cycle period for an engine, from its config. */
export function resolveSaturationCadence(state: ClusterState, engine: SaturationEngine): SaturationCadence {
  if (engine === 'saturation-v0.5.1')
    return {seconds: saturationV051CadenceSeconds, source: 'v0.5.x saturation engine period (30s)'}
  const {config} = state
  const text = config.main.GLOBAL_OPT_INTERVAL
  const where = `GLOBAL_OPT_INTERVAL in ConfigMap ${config.namespace}/${config.mainConfigMapName ?? '<none>'}`
  if (text === undefined || text === '')
    return {seconds: defaultGlobalOptIntervalSeconds, source: `${where} unset: default 60s`}
  const parsed = parseGoDuration(text)
  if (parsed.kind !== 'ok' || parsed.nanoseconds <= 0n)
    return {
      seconds: defaultGlobalOptIntervalSeconds,
      source: `${where} is "${text}", not a positive duration: default 60s`,
    }
  return {seconds: Number(parsed.nanoseconds) / 1e9, source: `${where} (${text})`}
}

/** A VA's observed series, as fetchReplayHistory returns them. */
export interface SaturationSeries {
  controllerReplicas?: readonly TimedValue[] | undefined
  actualReplicas?: readonly TimedValue[] | undefined
  /** Only its measured TTFT and ITL are shown; the saturation engines do not use load or latency. */
  measured?: readonly ModelMetricsPoint[] | undefined
  seriesSources?: ReplaySeriesSources | undefined
}

export interface SaturationReplayOptions {
  /** One cycle period for every engine, seconds; default per engine (resolveSaturationCadence). */
  cadenceSeconds?: number | undefined
  overrides?: SaturationOverrides | undefined
  /** Per VA, keyed `namespace/name`. */
  series?: ReadonlyMap<string, SaturationSeries> | undefined
  /** Per `requestCountKey(namespace, modelID)`: the scale-to-zero request count at each grid step (null = none). */
  requestCounts?: ReadonlyMap<string, ReadonlyArray<number | null>> | undefined
  /** How the observed readings map onto our replicas; default `spread-load`. */
  readings?: ReadingsModel | undefined
  /** Seconds from adding a replica to its first reading; default 0 (ready at the next cycle). */
  replicaStartupSeconds?: number | undefined
  /** Only these VA names in the output (all are simulated: siblings share a model). */
  names?: readonly string[] | undefined
  /** Load what-ifs: each step's readings go through the saturation load model (load-model.ts) at this load. */
  load?: SaturationReplayLoad | undefined
}

/** --load-scale and --arrival-rate for the replay: the scale at a step is rate / measured rate there, × loadScale. */
export interface SaturationReplayLoad {
  loadScale?: number | undefined
  /** req/min */
  arrivalRateRpm?: number | undefined
}

/**
 * Our action in the last cycle before a step: the engine's, or `scale-from-zero` (our approximation of that engine).
 */
export type SimulatedAction = ScalingAction | 'scale-from-zero'

/** What the simulation did up to a step, beyond the replicas. */
export interface SaturationStepDetail {
  /** Controller cycles since the previous step (at or before this step's time). */
  cycles: number
  /** The last cycle's action for this VA; null when no cycle decided for it (see noDecision). */
  action: SimulatedAction | null
  /** Why the last cycle gave this VA no target (the engine's skip kind, e.g. no-metrics); null when it did. */
  noDecision: SaturationSkip['kind'] | null
  /** The VA's pods that reported KV or queue at this step (real pods). */
  reportingPods: number
  /** Our replicas added but not ready yet. */
  pendingReplicas: number
}

export interface SaturationReplayStep extends ReplayStep {
  saturation: SaturationStepDetail
}

/** How the replicas were simulated; also in the JSON, so that no reader mistakes them for a measurement. */
export interface SaturationSimulation {
  kind: 'controller-cycles'
  engine: SaturationEngine
  cadenceSeconds: number
  cadenceSource: string
  readings: ReadingsModel
  replicaStartupSeconds: number
  /** The load what-ifs the readings were scaled for (load model); null: as observed. */
  load: {loadScale: number | null; arrivalRateRpm: number | null} | null
  initialReplicas: number
  initialReplicasSource: 'actual' | 'deployment'
  note: string
}

export interface SaturationVaReplay extends VaReplay {
  simulation: SaturationSimulation
  steps: SaturationReplayStep[]
}

const msPerSecond = 1000

/** Skips that hold for the whole range: the VA never gets a simulated target. */
const staticSkipKinds: ReadonlySet<SaturationSkip['kind']> = new Set([
  'invalid-va',
  'no-accelerator-label',
  'no-variant-cost',
  'deployment-not-found',
  'shared-deployment',
  'not-watched',
  'other-controller-instance',
  'no-config',
])

interface Member {
  readonly result: SaturationVariantResult
  readonly key: string
  /** Its Deployment's key (`deploymentKey`), when the Deployment exists. */
  readonly deployment: string | undefined
  readonly staticSkip: string | undefined
  /** The pod-history series of this VA's pods (by Deployment name prefix). */
  readonly pods: PodSeries[]
  readonly variantCost: number
  readonly initialReplicas: number
  readonly initialReplicasSource: 'actual' | 'deployment'
  replicas: number
  desired: number
  /** Ready times (ms) of our pending replicas. */
  pending: number[]
  lastAction: SimulatedAction | null
  lastNoDecision: SaturationSkip['kind'] | null
}

const vaKey = (namespace: string, name: string) => `${namespace}/${name}`

/**
 * Replays the saturation engines' cycles over the grid (see the module comment for every assumption). `podHistory`
 * is aligned to `grid` (collectPodMetricsHistory). Returns one VaReplay per saturation-engine VA, sorted by
 * namespace and name, with `desiredReplicas` = our simulated replicas. Pure.
 */
export function replaySaturation(
  state: ClusterState,
  podHistory: {readonly pods: readonly PodSeries[]},
  grid: ReplayGrid,
  options: SaturationReplayOptions = {},
): SaturationVaReplay[] {
  const overrides = options.overrides ?? {}
  // Historic pods are gone: map them by name prefix, and read no snapshot the sources may carry.
  const simState = deriveClusterState(state, {pods: undefined, replicaSets: undefined, metricsSnapshots: []})
  const planner = createRunPlanner(simState, overrides)
  const baseline = runSaturationEngines({
    state: simState,
    pods: [],
    overrides,
    requestCounts: new Map(),
    plan: planner.base,
  })
  const names = options.names && options.names.length > 0 ? new Set(options.names) : undefined
  const items: SaturationVaReplay[] = []
  for (const engine of ['capacity-v0.4.2', 'saturation-v0.5.1'] as const) {
    const results = baseline.variants.filter((variant) => variant.engine === engine)
    if (results.length === 0) continue
    const cadence =
      options.cadenceSeconds !== undefined
        ? {seconds: options.cadenceSeconds, source: 'set by the caller'}
        : resolveSaturationCadence(state, engine)
    items.push(...replayEngine(engine, results, simState, planner, podHistory.pods, grid, cadence, options))
  }
  return items
    .filter((item) => names === undefined || names.has(item.name))
    .sort((a, b) => compareNames(a.namespace, b.namespace) || compareNames(a.name, b.name))
}

function valueAt(series: readonly TimedValue[] | undefined, timeMs: number): number | null {
  return series?.find((point) => point.timeMs === timeMs)?.value ?? null
}

function staticSkipOf(result: SaturationVariantResult, va: VariantAutoscaling): string | undefined {
  const skip = skipOf(result)
  // The skip as data, worded by the same function that wrote the result's first sentence (no prose read back).
  if (skip !== undefined && staticSkipKinds.has(skip.kind))
    return skipSentence(skip, {...result, readNamespace: undefined}, computedTarget(result))
  // Without pods the baseline run reports no-metrics before it gets to the missing label, so look at the label.
  if (result.engine === 'saturation-v0.5.1' && va.acceleratorLabel === undefined) {
    return unwrittenWithoutLabelSentence()
  }
  return undefined
}

function buildMembers(
  results: readonly SaturationVariantResult[],
  planner: RunPlanner,
  pods: readonly PodSeries[],
  grid: ReplayGrid,
  options: SaturationReplayOptions,
): Member[] {
  const planned = new Map(planner.base.members.map((member) => [vaKey(member.va.namespace, member.va.name), member]))
  const members = results.map((result): Omit<Member, 'pods'> => {
    const key = vaKey(result.namespace, result.name)
    const variant = planned.get(key)!
    const replicas = variant.replicas
    const actual = valueAt(options.series?.get(key)?.actualReplicas, grid.startMs)
    const initialReplicas = actual ?? (replicas === undefined ? 0 : replicas.currentReplicas)
    return {
      result,
      key,
      deployment: replicas === undefined ? undefined : deploymentKey(result.namespace, result.deployment),
      staticSkip: staticSkipOf(result, variant.va),
      variantCost: parseVariantCost(variant.va.variantCost),
      initialReplicas,
      initialReplicasSource: actual === null ? 'deployment' : 'actual',
      replicas: initialReplicas,
      desired: initialReplicas,
      pending: [],
      lastAction: null,
      lastNoDecision: null,
    }
  })
  // A pod belongs to the VA whose Deployment name is its longest `<deployment>-` prefix (Pod objects are gone).
  const podsOf = new Map<Omit<Member, 'pods'>, PodSeries[]>(members.map((member) => [member, []]))
  const candidates = (namespace: string) =>
    members.filter((member) => member.result.namespace === namespace && member.deployment !== undefined)
  for (const pod of pods) {
    const inNamespace = candidates(pod.namespace)
    const deployment = matchNamePrefix(
      pod.name,
      inNamespace.map((member) => member.result.deployment),
    )
    const owners = inNamespace.filter(
      (member) => member.result.deployment === deployment && member.result.modelId === pod.modelID,
    )
    // Two VAs on one Deployment: upstream drops the pods (issue #948); both VAs are skipped anyway.
    if (owners.length === 1) podsOf.get(owners[0]!)!.push(pod)
  }
  return members.map((member) => Object.assign(member, {pods: podsOf.get(member)!}) as Member)
}

const reportsAt = (pod: PodSeries, index: number) => pod.kvCacheUsage[index] !== null || pod.queueLength[index] !== null

function replayEngine(
  engine: SaturationEngine,
  results: readonly SaturationVariantResult[],
  state: ClusterState,
  planner: RunPlanner,
  pods: readonly PodSeries[],
  grid: ReplayGrid,
  cadence: SaturationCadence,
  options: SaturationReplayOptions,
): SaturationVaReplay[] {
  if (!(cadence.seconds > 0) || !Number.isFinite(cadence.seconds))
    throw new RangeError(`cadence must be positive: ${cadence.seconds}`)
  const readingsModel = options.readings ?? 'spread-load'
  const startupMs = (options.replicaStartupSeconds ?? 0) * msPerSecond
  const stepMs = grid.stepSeconds * msPerSecond
  const cadenceMs = cadence.seconds * msPerSecond
  const members = buildMembers(results, planner, pods, grid, options)
  const steps = new Map<Member, SaturationReplayStep[]>(members.map((member) => [member, []]))

  const runCycle = (cycleMs: number, index: number): boolean => {
    let changed = false
    for (const member of members) {
      const before = member.pending.length
      member.pending = member.pending.filter((readyMs) => readyMs > cycleMs)
      if (member.pending.length !== before) changed = true
    }
    const enginePods: PodMetrics[] = []
    const observedAt = (member: Member): PodReading[] =>
      member.pods
        .filter((pod) => reportsAt(pod, index))
        .map((pod) => ({
          name: pod.name,
          kvCacheUsage: pod.kvCacheUsage[index] ?? 0,
          queueLength: pod.queueLength[index] ?? 0,
        }))
    const scaling = loadAt(members, options, grid.startMs + index * stepMs, observedAt)
    for (const member of members) {
      if (member.deployment === undefined) continue
      const model = scaling.get(requestCountKey(member.result.namespace, member.result.modelId))
      // Under a load what-if the demands (uncapped) are mapped onto our replicas, then capped with the overflow queued.
      const readings = observedAt(member).map((reading) => {
        if (model === undefined) return reading
        const demand = scaleDemand(reading, model.scale)
        return {name: demand.name, kvCacheUsage: demand.kvDemand, queueLength: demand.queueDemand}
      })
      const ready = member.replicas - member.pending.length
      for (const mapped of mapReadingsToReplicas(readings, ready, readingsModel, `${member.result.deployment}-`)) {
        const demand = {name: mapped.name, kvDemand: mapped.kvCacheUsage, queueDemand: mapped.queueLength}
        const reading = model === undefined ? mapped : readingFromDemand(demand, model.requestsPerKv)
        enginePods.push({
          namespace: member.result.namespace,
          name: reading.name,
          deployment: member.result.deployment,
          modelID: member.result.modelId,
          kvCacheUsage: reading.kvCacheUsage,
          queueLength: reading.queueLength,
        })
      }
    }
    const requestCounts = new Map<string, number>()
    for (const [key, values] of options.requestCounts ?? []) {
      const value = values[index]
      if (value !== null && value !== undefined) requestCounts.set(key, value * (scaling.get(key)?.scale ?? 1))
    }
    const run = runSaturationEngines({
      state,
      pods: enginePods,
      overrides: options.overrides,
      requestCounts,
      plan: planner.withReplicas(simulatedReplicasOf(members)),
    })
    const byKey = new Map(run.variants.map((variant) => [vaKey(variant.namespace, variant.name), variant]))
    for (const member of members) {
      // Statically skipped VAs get no target (v0.5.1 computes one without the accelerator label but never writes
      // it), so their replicas stay where they started, as the controller would leave them.
      const outcome = byKey.get(member.key)
      let target = member.replicas
      member.lastAction = null
      const skip = outcome === undefined ? undefined : skipOf(outcome)
      const written = outcome === undefined ? undefined : writtenTarget(outcome)
      member.lastNoDecision = skip?.kind ?? null
      if (outcome !== undefined && written !== undefined) {
        target = written
        member.lastAction = decisionOf(outcome)?.action ?? null
        member.lastNoDecision = null
      } else if (skip?.kind === 'deployment-at-zero') {
        // Scale-from-zero (v0.5.x) fires when the EPP queues a request for the model; requests in the retention
        // window are the nearest thing a replay can read.
        const requests = requestCounts.get(requestCountKey(member.result.namespace, member.result.modelId))
        if (requests !== undefined && requests > 0) {
          target = 1
          member.lastAction = 'scale-from-zero'
          member.lastNoDecision = null
        }
      }
      if (member.lastAction !== null && target !== member.desired) {
        member.desired = target
        changed = true
      }
      if (target !== member.replicas) {
        changed = true
        if (target > member.replicas) {
          if (startupMs > 0)
            for (let added = member.replicas; added < target; added++) member.pending.push(cycleMs + startupMs)
        } else {
          const removed = member.replicas - target
          member.pending = member.pending.slice(0, Math.max(member.pending.length - removed, 0))
        }
        member.replicas = target
      }
    }
    return changed || members.some((member) => member.pending.length > 0)
  }

  // Cycle k runs at start + k × cadence and reads the grid step containing it.
  let cycleNumber = 0
  let cycles = 0
  let settledIndex = -1
  for (let stepIndex = 0; stepIndex < grid.count; stepIndex++) {
    const timeMs = grid.startMs + stepIndex * stepMs
    for (
      let cycleMs = grid.startMs + cycleNumber * cadenceMs;
      cycleMs <= timeMs;
      cycleMs = grid.startMs + cycleNumber * cadenceMs
    ) {
      const index = Math.floor((cycleMs - grid.startMs) / stepMs)
      // Same held readings, same state: the cycle would repeat the last one.
      if (index !== settledIndex) settledIndex = runCycle(cycleMs, index) ? -1 : index
      cycles++
      cycleNumber++
    }
    for (const member of members) steps.get(member)!.push(stepOf(member, stepIndex, timeMs, cycles, options))
    cycles = 0
  }

  const load = activeLoad(options)
  const scaledNote = 'scaled to the what-if load by the saturation load model (docs/capacity-planning.md), '
  return members.map((member) => {
    const series = options.series?.get(member.key)
    const memberSteps = steps.get(member)!
    return {
      namespace: member.result.namespace,
      name: member.result.name,
      modelID: member.result.modelId,
      skipReason: member.staticSkip ?? null,
      seriesSources: {...series?.seriesSources},
      steps: memberSteps,
      summary: summarizeSaturationSteps(memberSteps, grid.stepSeconds, (replicas) => replicas * member.variantCost),
      simulation: {
        kind: 'controller-cycles',
        engine,
        cadenceSeconds: cadence.seconds,
        cadenceSource: cadence.source,
        readings: readingsModel,
        replicaStartupSeconds: startupMs / msPerSecond,
        load:
          load === undefined ? null : {loadScale: load.loadScale ?? null, arrivalRateRpm: load.arrivalRateRpm ?? null},
        initialReplicas: member.initialReplicas,
        initialReplicasSource: member.initialReplicasSource,
        note:
          `simulated controller cycles every ${cadence.seconds}s on our replicas; the KV and queue readings ` +
          `are those of the pods that actually ran, ` +
          (load === undefined ? '' : scaledNote) +
          `mapped onto our replicas (${readingsModel}), not readings of our hypothetical replicas`,
      },
    }
  })
}

/** The load what-ifs when one is set. */
function activeLoad(options: SaturationReplayOptions): SaturationReplayLoad | undefined {
  const load = options.load
  return load === undefined || (load.loadScale === undefined && load.arrivalRateRpm === undefined) ? undefined : load
}

/**
 * The load scale of each model at one step, keyed by requestCountKey: --load-scale, times --arrival-rate over the
 * rate measured at that step (a step without a measured rate, or at 0 while asking for more, keeps --load-scale).
 * Empty without a load what-if.
 */
function loadAt(
  members: readonly Member[],
  options: SaturationReplayOptions,
  timeMs: number,
  observedAt: (member: Member) => PodReading[],
): Map<string, {scale: number; requestsPerKv: number | undefined}> {
  const out = new Map<string, {scale: number; requestsPerKv: number | undefined}>()
  const load = activeLoad(options)
  if (load === undefined) return out
  const byModel = new Map<string, Member[]>()
  for (const member of members) {
    const key = requestCountKey(member.result.namespace, member.result.modelId)
    byModel.set(key, [...(byModel.get(key) ?? []), member])
  }
  for (const [key, group] of byModel) {
    const rateOf = (member: Member) =>
      options.series?.get(member.key)?.measured?.find((point) => point.timeMs === timeMs)?.arrivalRateRpm
    const rate = group.map(rateOf).find((value) => value !== undefined)
    const base = load.loadScale ?? 1
    const wanted = load.arrivalRateRpm
    const canScale = wanted !== undefined && rate !== undefined && rate > 0
    const scale = wanted === 0 ? 0 : canScale ? (wanted / rate) * base : base
    out.set(key, {scale, requestsPerKv: overflowRequestsPerKv(group.flatMap(observedAt), rate)})
  }
  return out
}

function stepOf(
  member: Member,
  stepIndex: number,
  timeMs: number,
  cycles: number,
  options: SaturationReplayOptions,
): SaturationReplayStep {
  const series = options.series?.get(member.key)
  const measured = series?.measured?.find((point) => point.timeMs === timeMs)
  const reportingPods = member.pods.filter((pod) => reportsAt(pod, stepIndex)).length
  const skipped = member.staticSkip !== undefined
  const desiredReplicas = skipped ? null : member.replicas
  return {
    timeMs,
    load: null,
    measuredTtftMs: measured?.ttftMs ?? null,
    measuredItlMs: measured?.itlMs ?? null,
    outcome: skipped ? 'skipped' : reportingPods === 0 ? 'noData' : 'allocated',
    desiredReplicas,
    cost: desiredReplicas === null ? null : desiredReplicas * member.variantCost,
    predictedTtftMs: null,
    predictedItlMs: null,
    controllerReplicas: valueAt(series?.controllerReplicas, timeMs),
    actualReplicas: valueAt(series?.actualReplicas, timeMs),
    saturation: {
      cycles,
      action: member.lastAction,
      noDecision: member.lastNoDecision,
      reportingPods,
      pendingReplicas: member.pending.length,
    },
  }
}

/** What the engine should see this cycle: our replicas on the Deployments, our desired on the VAs. */
function simulatedReplicasOf(members: readonly Member[]): SimulatedReplicas {
  const deployments = new Map<string, {replicas: number; readyReplicas: number}>()
  const desired = new Map<string, number>()
  for (const member of members) {
    if (member.deployment !== undefined)
      deployments.set(member.deployment, {
        replicas: member.replicas,
        readyReplicas: member.replicas - member.pending.length,
      })
    desired.set(deploymentKey(member.result.namespace, member.result.name), member.desired)
  }
  return {deployments, desired}
}

/** The replay summary of replay.ts, for a saturation VA: no SLO; cost is spec.variantCost × replicas. */
export function summarizeSaturationSteps(
  steps: readonly ReplayStep[],
  stepSeconds: number,
  costOf: (replicas: number) => number,
): ReplaySummary {
  return summarizeSteps(steps, stepSeconds, {costOf, oursFromStepCosts: false, slo: undefined})
}
