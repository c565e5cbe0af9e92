/**
 * Where the saturation engines' cycles lead at a constant load. Each cycle moves at most one variant of a model by
 * one replica, so the controller's next decision alone cannot answer "how many replicas at twice the load". We repeat
 * the cycle, as the replay does, from today's replicas: actuation is immediate, new replicas are ready at the next
 * cycle, every variant state holds our replicas (current = desired = our last target, nothing pending), and the
 * group's load is spread evenly over our replicas (load-model.ts, step 3). We stop when a cycle changes nothing
 * (settled), when a state repeats (the rule flaps between counts; we report the largest), or after
 * `maxSettleCycles`.
 *
 * With even readings the engines' rules reduce to one count: the model scales up while the average spare of
 * load/M is below a trigger and down while it stays above at M − 1, so the cycles settle at the smallest total M
 * whose spare meets both triggers. That M never falls when the load grows, and since scale-ups always go to the
 * cheapest variant and scale-downs to the most expensive, neither does any variant's share. The next cycle's own
 * decision, from the pods' real (uneven) readings, is still the run's `action`.
 */
import {analyzeCapacityV042, analyzeSaturationV051, type SaturationGroupInput} from '../engine.js'
import type {ModelSaturationAnalysis, ReplicaMetric, VariantState} from '../types.js'
import {readingFromDemand, spreadDemands, type PodDemand} from './load-model.js'
import type {SaturationGroupResult, SaturationVariantResult} from './variant-result.js'

/** Most cycles one settle runs: 500 cycles are 4 hours of a v0.5 controller (30 s each) and +500 replicas. */
export const maxSettleCycles = 500

export type SettleStatus = 'settled' | 'oscillating' | 'cycle-limit'

/** The model's figures in the state the cycles ended in. */
export interface SettledAnalysis {
  readonly totalReplicas: number
  readonly nonSaturatedCount: number
  /** KV fraction. */
  readonly avgSpareKvCapacity: number
  /** Waiting requests. */
  readonly avgSpareQueueLength: number
  readonly shouldScaleUp: boolean
  readonly scaleDownSafe: boolean
}

export interface GroupSettle {
  readonly status: SettleStatus
  /** Cycles up to the last one that changed a replica count or a desired value (0: the next cycle changes nothing). */
  readonly cycles: number
  /** Replicas per variant name where the cycles ended. */
  readonly replicas: ReadonlyMap<string, number>
  /** The engine's analysis in that state; undefined when no pod reports there (every variant at 0). */
  readonly analysis: SettledAnalysis | undefined
}

interface SimState {
  replicas: number
  desired: number
}

/**
 * Repeats the group's cycles at its load (see the module comment). `variants` are the run's results of the group's
 * VAs: a VA whose target the controller never writes (no accelerator label, shared Deployment) keeps its replicas.
 * undefined when the group was not run or had no pod reporting.
 */
export function settleGroup(
  group: SaturationGroupResult,
  variants: readonly SaturationVariantResult[],
  maxCycles = maxSettleCycles,
): GroupSettle | undefined {
  if (group.status !== 'ran' || group.outcome.result.engineSkip !== undefined) return undefined
  const input = group.engineInput
  const isWritten = (variant: SaturationVariantResult) =>
    variant.groupKey === group.key && variant.outcome === 'decided'
  const written = new Set(variants.filter(isWritten).map((variant) => variant.name))
  // A stable start: today's replicas, desired = current, nothing pending.
  const states = new Map<string, SimState>(
    input.variantStates.map((state) => [
      state.variantName,
      {replicas: state.currentReplicas, desired: state.currentReplicas},
    ]),
  )
  const gpus = new Map(input.variantStates.map((state) => [state.variantName, state.gpusPerReplica]))
  const asDemand = (metric: ReplicaMetric): PodDemand => ({
    name: metric.podName,
    kvDemand: metric.kvCacheUsage,
    queueDemand: metric.queueLength,
  })
  const demands = group.load?.demands.map((entry) => entry.demand) ?? input.replicaMetrics.map(asDemand)
  const requestsPerKv = group.load?.requestsPerKv
  // Reporting variants in first-appearance order, with the accelerator and cost their pods carry.
  const reporting = new Map<string, ReplicaMetric>()
  for (const metric of input.replicaMetrics) {
    if (!reporting.has(metric.variantName)) reporting.set(metric.variantName, metric)
  }

  const apply = (decisions: readonly {variantName: string; targetReplicas: number}[]): boolean => {
    let changed = false
    for (const decision of decisions) {
      const state = states.get(decision.variantName)
      if (state === undefined || !written.has(decision.variantName)) continue
      if (state.replicas !== decision.targetReplicas || state.desired !== decision.targetReplicas) changed = true
      state.replicas = decision.targetReplicas
      state.desired = decision.targetReplicas
    }
    return changed
  }
  const keyOf = () => [...states.values()].map((state) => `${state.replicas}:${state.desired}`).join(',')

  let cycles = 0
  let analysis: ModelSaturationAnalysis | undefined
  const seen = new Map<string, number>([[keyOf(), 0]])
  const history: Map<string, number>[] = [snapshot(states)]
  for (let cycle = 1; cycle <= maxCycles; cycle++) {
    const cycleInput = simulatedInput(input, states, gpus, demands, reporting, requestsPerKv)
    const result =
      group.engine === 'capacity-v0.4.2' ? analyzeCapacityV042(cycleInput) : analyzeSaturationV051(cycleInput)
    analysis = cycleInput.replicaMetrics.length === 0 ? undefined : result.analysis
    if (!apply(result.decisions)) return finish('settled', cycles, states, analysis)
    cycles = cycle
    const key = keyOf()
    const first = seen.get(key)
    history.push(snapshot(states))
    if (first !== undefined) {
      // The states of cycles first..cycle repeat forever: report the one with the most replicas.
      const loop = history.slice(first)
      const largest = loop.reduce((best, candidate) => (total(candidate) > total(best) ? candidate : best))
      return {status: 'oscillating', cycles, replicas: largest, analysis: summarizeAnalysis(analysis)}
    }
    seen.set(key, cycle)
  }
  return finish('cycle-limit', cycles, states, analysis)
}

function finish(
  status: SettleStatus,
  cycles: number,
  states: ReadonlyMap<string, SimState>,
  analysis: ModelSaturationAnalysis | undefined,
): GroupSettle {
  return {status, cycles, replicas: snapshot(states), analysis: summarizeAnalysis(analysis)}
}

function summarizeAnalysis(analysis: ModelSaturationAnalysis | undefined): SettledAnalysis | undefined {
  if (analysis === undefined) return undefined
  const {totalReplicas, nonSaturatedCount, avgSpareKvCapacity, avgSpareQueueLength, shouldScaleUp, scaleDownSafe} =
    analysis
  return {totalReplicas, nonSaturatedCount, avgSpareKvCapacity, avgSpareQueueLength, shouldScaleUp, scaleDownSafe}
}

const snapshot = (states: ReadonlyMap<string, SimState>) =>
  new Map([...states].map(([name, state]) => [name, state.replicas]))
const total = (replicas: ReadonlyMap<string, number>) => [...replicas.values()].reduce((sum, value) => sum + value, 0)

/** One simulated cycle's engine input: the group's demands spread over our replicas of the reporting variants. */
function simulatedInput(
  input: SaturationGroupInput,
  states: ReadonlyMap<string, SimState>,
  gpus: ReadonlyMap<string, number | undefined>,
  demands: readonly PodDemand[],
  reporting: ReadonlyMap<string, ReplicaMetric>,
  requestsPerKv: number | undefined,
): SaturationGroupInput {
  const counts = [...reporting.keys()].map((name) => states.get(name)?.replicas ?? 0)
  const toMetric = (first: ReplicaMetric, demand: PodDemand, name: string): ReplicaMetric => {
    const reading = readingFromDemand(demand, requestsPerKv)
    const {acceleratorName, cost, variantName} = first
    const queueLength = Math.trunc(reading.queueLength)
    return {podName: name, variantName, kvCacheUsage: reading.kvCacheUsage, queueLength, acceleratorName, cost}
  }
  const replicaMetrics: ReplicaMetric[] = []
  const spread = spreadDemands(
    demands,
    counts.reduce((sum, count) => sum + count, 0),
    '',
  )
  let next = 0
  ;[...reporting.values()].forEach((first, index) => {
    for (let pod = 0; pod < counts[index]!; pod++) {
      replicaMetrics.push(toMetric(first, spread[next++]!, `${first.variantName}-sim-${pod}`))
    }
  })
  const variantStates: VariantState[] = input.variantStates.map((state) => {
    const simulated = states.get(state.variantName)!
    return {
      variantName: state.variantName,
      currentReplicas: simulated.replicas,
      desiredReplicas: simulated.desired,
      pendingReplicas: 0,
      gpusPerReplica: gpus.get(state.variantName),
    }
  })
  return {...input, replicaMetrics, variantStates}
}
