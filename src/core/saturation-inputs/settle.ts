/**
 * Where the saturation engines' cycles lead at a constant load. Each cycle moves at most one variant of a model by
 * one replica, so the controller's next decision alone cannot answer "how many replicas at twice the load". We repeat
 * the cycle, as the replay does: actuation is immediate, new replicas are ready at the next cycle, every variant
 * state holds our replicas (current = desired = our last target, nothing pending), and the group's load is spread
 * over our replicas with the load model (load-model.ts). The first cycle is the controller's own next decision,
 * from the real state. We stop when a cycle changes nothing (settled), when a state repeats (the rule flaps between
 * counts; we report the largest), or after `maxSettleCycles`.
 *
 * The result depends on where it starts: the engines have a dead band (no trigger fires, scale-down unsafe) in which
 * several replica counts are stable, and we start from today's replicas.
 */
import {analyzeCapacityV042, analyzeSaturationV051, type SaturationGroupInput} from '../optimizer/saturation/engine.js'
import type {ModelSaturationAnalysis, ReplicaMetric, VariantState} from '../optimizer/saturation/types.js'
import {readingFromDemand, spreadDemands, type PodDemand} from './load-model.js'
import type {SaturationGroupResult, SaturationVariantResult} from './run-groups.js'

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
export function settleGroup(group: SaturationGroupResult, variants: readonly SaturationVariantResult[], maxCycles = maxSettleCycles): GroupSettle | undefined {
  const input = group.engineInput
  const outcome = group.outcome
  if (input === undefined || outcome === undefined || outcome.result.engineSkip !== undefined) return undefined
  const written = new Set(variants.filter((variant) => variant.groupKey === group.key && variant.targetReplicas !== undefined).map((variant) => variant.name))
  const states = new Map<string, SimState>(input.variantStates.map((state) => [state.variantName, {replicas: state.currentReplicas, desired: state.desiredReplicas}]))
  const gpus = new Map(input.variantStates.map((state) => [state.variantName, state.gpusPerReplica]))
  const demands = group.load?.demands ?? input.replicaMetrics.map((metric) => ({
    variantName: metric.variantName,
    demand: {name: metric.podName, kvDemand: metric.kvCacheUsage, queueDemand: metric.queueLength},
  }))
  const requestsPerKv = group.load?.requestsPerKv
  // Reporting variants in first-appearance order, with the accelerator and cost their pods carry.
  const reporting = new Map<string, ReplicaMetric>()
  for (const metric of input.replicaMetrics) if (!reporting.has(metric.variantName)) reporting.set(metric.variantName, metric)

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

  let cycles = apply(outcome.result.decisions) ? 1 : 0
  let analysis: ModelSaturationAnalysis | undefined = outcome.result.analysis
  const seen = new Map<string, number>([[keyOf(), 1]])
  const history: Map<string, number>[] = [snapshot(states)]
  for (let cycle = 2; cycle <= maxCycles; cycle++) {
    const cycleInput = simulatedInput(input, states, gpus, demands, reporting, requestsPerKv)
    const result = group.engine === 'capacity-v0.4.2' ? analyzeCapacityV042(cycleInput) : analyzeSaturationV051(cycleInput)
    analysis = cycleInput.replicaMetrics.length === 0 ? undefined : result.analysis
    if (!apply(result.decisions)) return finish('settled', cycles, states, analysis)
    cycles = cycle
    const key = keyOf()
    const first = seen.get(key)
    history.push(snapshot(states))
    if (first !== undefined) {
      // The states of cycles first..cycle repeat forever: report the one with the most replicas.
      const loop = history.slice(first - 1)
      const largest = loop.reduce((best, candidate) => (total(candidate) > total(best) ? candidate : best))
      return {status: 'oscillating', cycles, replicas: largest, analysis: summarizeAnalysis(analysis)}
    }
    seen.set(key, cycle)
  }
  return finish('cycle-limit', cycles, states, analysis)
}

function finish(status: SettleStatus, cycles: number, states: ReadonlyMap<string, SimState>, analysis: ModelSaturationAnalysis | undefined): GroupSettle {
  return {status, cycles, replicas: snapshot(states), analysis: summarizeAnalysis(analysis)}
}

function summarizeAnalysis(analysis: ModelSaturationAnalysis | undefined): SettledAnalysis | undefined {
  if (analysis === undefined) return undefined
  const {totalReplicas, nonSaturatedCount, avgSpareKvCapacity, avgSpareQueueLength, shouldScaleUp, scaleDownSafe} = analysis
  return {totalReplicas, nonSaturatedCount, avgSpareKvCapacity, avgSpareQueueLength, shouldScaleUp, scaleDownSafe}
}

const snapshot = (states: ReadonlyMap<string, SimState>) => new Map([...states].map(([name, state]) => [name, state.replicas]))
const total = (replicas: ReadonlyMap<string, number>) => [...replicas.values()].reduce((sum, value) => sum + value, 0)

/** One simulated cycle's engine input: the group's demands spread over our replicas of the reporting variants. */
function simulatedInput(
  input: SaturationGroupInput,
  states: ReadonlyMap<string, SimState>,
  gpus: ReadonlyMap<string, number | undefined>,
  demands: readonly {readonly variantName: string; readonly demand: PodDemand}[],
  reporting: ReadonlyMap<string, ReplicaMetric>,
  requestsPerKv: number | undefined,
): SaturationGroupInput {
  const counts = [...reporting.keys()].map((name) => states.get(name)?.replicas ?? 0)
  const toMetric = (first: ReplicaMetric, demand: PodDemand, name: string): ReplicaMetric => {
    const reading = readingFromDemand(demand, requestsPerKv)
    const {acceleratorName, cost, variantName} = first
    return {podName: name, variantName, kvCacheUsage: reading.kvCacheUsage, queueLength: Math.trunc(reading.queueLength), acceleratorName, cost}
  }
  const replicaMetrics: ReplicaMetric[] = []
  const observedCounts = [...reporting.keys()].map((name) => demands.filter((entry) => entry.variantName === name).length)
  if (counts.every((count, index) => count === observedCounts[index])) {
    // Every variant at its observed pod count: its own pods' demands, in collector order (the first cycle's input).
    for (const entry of demands) replicaMetrics.push(toMetric(reporting.get(entry.variantName)!, entry.demand, entry.demand.name))
  } else {
    const spread = spreadDemands(demands.map((entry) => entry.demand), counts.reduce((sum, count) => sum + count, 0), '')
    let next = 0
    ;[...reporting.values()].forEach((first, index) => {
      for (let pod = 0; pod < counts[index]!; pod++) replicaMetrics.push(toMetric(first, spread[next++]!, `${first.variantName}-sim-${pod}`))
    })
  }
  const variantStates: VariantState[] = input.variantStates.map((state) => {
    const simulated = states.get(state.variantName)!
    return {variantName: state.variantName, currentReplicas: simulated.replicas, desiredReplicas: simulated.desired, pendingReplicas: 0, gpusPerReplica: gpus.get(state.variantName)}
  })
  return {...input, replicaMetrics, variantStates}
}
