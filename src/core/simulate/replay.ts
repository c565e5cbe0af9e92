import type {ModelMetricsPoint} from '../collect/history.js'
import {UsageError} from '../errors.js'
import {scaledRateProblem} from './load.js'
import type {Outcome} from './simulation-result.js'
import type {WhatIf} from '../model/what-if.js'
import {allocationCost} from '../decide/queueing/allocation.js'
import {parseAcceleratorCost} from '../decide/queueing/controller-inputs.js'
import {createMemoisedDecider, type MemoisedDecider, type MemoStats} from '../decide/queueing/memo.js'
import {type DecisionLoad, decisionInput, type DecisionTemplate} from './decision-template.js'

/**
 * "What would WVA have done": the model-based decision recomputed at every step of a past time range.
 *
 * Semantics (docs/what-would-wva-have-done.md has a walkthrough):
 * - The grid is start + k × step, k = 0 … floor((end − start) / step): the timestamps a Prometheus range query
 *   returns. Each step stands for the interval [t, t + step): replica-hours and cost integrate sample-and-hold.
 * - The load at a step is what the collector measures at t over its window (rate() handles counter resets). No
 *   arrival rate at t (no series, no samples in the window) is a gap: no decision, `noData`, and charts leave it
 *   blank. It is never read as 0. An arrival rate of 0 is a step without traffic: a zero-load decision.
 *   With traffic but no token averages (a window edge) the step is also `noData`: we do not guess tokens.
 * - What-ifs apply per step as in simulate: --arrival-rate and the token flags replace the measured value,
 *   --load-scale multiplies the arrival rate; SLOs and max-batch are already in the template.
 * - The current replicas a decision starts from (they only change the transition penalty, not the replicas of
 *   this single-variant solver) are the actual replicas at t, else our previous decision, else the sources'.
 * - Controller and actual series are read at t as given (a gauge's last sample within Prometheus' 5 m lookback).
 * - Time over SLO counts the steps whose measured mean TTFT or ITL exceeds a non-zero target, × step. Measured
 *   latency comes from the cluster as it ran (with the actual replicas), not from our replicas.
 */

/** A gauge value at a time (ms since the epoch). */
export interface TimedValue {
  timeMs: number
  value: number
}

export interface ReplayGrid {
  startMs: number
  stepSeconds: number
  /** number of steps, ≥ 1 */
  count: number
}

/** Where a VA's replicas came from, for the summary (metric names). */
export interface ReplaySeriesSources {
  controller?: string | undefined
  actual?: string | undefined
}

/** One VA's inputs to a replay. */
export interface VaReplayInput {
  namespace: string
  name: string
  modelID: string
  /** undefined: the VA cannot be decided (skipReason says why); its measured and actual series are still shown */
  template: DecisionTemplate | undefined
  skipReason?: string | undefined
  /** load what-ifs: arrivalRateRpm, avgInputTokens, avgOutputTokens, loadScale (others are in the template) */
  whatIf: WhatIf
  /** replicas before the first step when no actual series says otherwise */
  initialReplicas: number
  /** targets for time over SLO; 0 = not constrained; undefined = unknown */
  slo: {ttftMs: number; itlMs: number} | undefined
  /** measured per-step quantities (collectModelMetricsHistory), one point per step at most */
  measured: readonly ModelMetricsPoint[]
  /** the controller's desired-replicas gauge */
  controllerReplicas?: readonly TimedValue[] | undefined
  /** replicas that actually ran */
  actualReplicas?: readonly TimedValue[] | undefined
  seriesSources?: ReplaySeriesSources | undefined
}

export type StepOutcome = Outcome | 'noData'

/** One step of one VA. Field names are part of the JSON/CSV output. */
export interface ReplayStep {
  timeMs: number
  /** the load fed to the optimizer (after what-ifs); null when there is no data at this step */
  load: {arrivalRateRpm: number; avgInputTokens: number; avgOutputTokens: number} | null
  /** measured mean latency, ms */
  measuredTtftMs: number | null
  measuredItlMs: number | null
  outcome: StepOutcome
  /** our recomputed desired replicas */
  desiredReplicas: number | null
  cost: number | null
  predictedTtftMs: number | null
  predictedItlMs: number | null
  controllerReplicas: number | null
  actualReplicas: number | null
}

export interface ReplicaSeriesSummary {
  /** steps where the series has a value */
  knownSteps: number
  /** Σ replicas × step, hours */
  replicaHours: number
  /** Σ cost × step, hours (cost = unit cost × accelerator units × replicas, as the optimizer computes it) */
  costHours: number | null
  /** times the value differs from the previous known value (gaps are skipped, not counted) */
  scalingChanges: number
  minReplicas: number | null
  maxReplicas: number | null
}

/** The step where |ours − other| is largest (first such step); difference = ours − other. */
export interface LargestGap {
  timeMs: number
  difference: number
  ours: number
  other: number
}

export interface ReplaySummary {
  steps: number
  stepSeconds: number
  /** steps without measured load: no decision */
  noDataSteps: number
  /** longest run of consecutive noData steps, seconds */
  longestNoDataSeconds: number
  infeasibleSteps: number
  ours: ReplicaSeriesSummary
  controller: ReplicaSeriesSummary | null
  actual: ReplicaSeriesSummary | null
  /** ours − actual at the step where they differ most; null when they never overlap */
  largestGapVsActual: LargestGap | null
  largestGapVsController: LargestGap | null
  /** steps × step where the measured mean exceeded the target (targets of 0 never count) */
  overSlo: {ttftSeconds: number; itlSeconds: number; eitherSeconds: number; measuredSteps: number} | null
}

export interface VaReplay {
  namespace: string
  name: string
  modelID: string
  skipReason: string | null
  seriesSources: ReplaySeriesSources
  steps: ReplayStep[]
  summary: ReplaySummary
}

export interface ReplayResult {
  apiVersion: 'kubectl-va.llmd.ai/v1alpha1'
  kind: 'ReplayResult'
  startMs: number
  stepSeconds: number
  items: VaReplay[]
  /** the memo's counters, for --verbose and the bench */
  memo: MemoStats
}

const msPerSecond = 1000
const secondsPerHour = 3600

/** The grid's timestamps. */
export function gridTimes(grid: ReplayGrid): number[] {
  return Array.from({length: grid.count}, (_, index) => grid.startMs + index * grid.stepSeconds * msPerSecond)
}

/** Replays every VA over the grid with one shared memo (VAs with the same profile share sizings). Pure. */
export function replayHistory(
  inputs: readonly VaReplayInput[],
  grid: ReplayGrid,
  options: {decider?: MemoisedDecider} = {},
): ReplayResult {
  const decider = options.decider ?? createMemoisedDecider()
  const items = inputs.map((input) => replayVa(input, grid, decider))
  return {
    apiVersion: 'kubectl-va.llmd.ai/v1alpha1',
    kind: 'ReplayResult',
    startMs: grid.startMs,
    stepSeconds: grid.stepSeconds,
    items,
    memo: decider.stats(),
  }
}

function byTime<T extends {timeMs: number}>(points: readonly T[] | undefined): Map<number, T> {
  return new Map((points ?? []).map((point) => [point.timeMs, point]))
}

/** One VA over the grid. */
export function replayVa(input: VaReplayInput, grid: ReplayGrid, decider: MemoisedDecider): VaReplay {
  const measured = byTime(input.measured)
  const controller = byTime(input.controllerReplicas)
  const actual = byTime(input.actualReplicas)
  const steps: ReplayStep[] = []
  let previous: number | undefined
  for (const timeMs of gridTimes(grid)) {
    const point = measured.get(timeMs)
    const actualReplicas = actual.get(timeMs)?.value ?? null
    const base = {
      timeMs,
      measuredTtftMs: point?.ttftMs ?? null,
      measuredItlMs: point?.itlMs ?? null,
      controllerReplicas: controller.get(timeMs)?.value ?? null,
      actualReplicas,
    }
    const object = `variantautoscaling ${input.namespace}/${input.name} at ${new Date(timeMs).toISOString()}`
    const load = stepLoad(point, input.whatIf, object)
    if (load === undefined || input.template === undefined) {
      steps.push({
        ...base,
        load: load ?? null,
        outcome: load === undefined ? 'noData' : 'skipped',
        desiredReplicas: null,
        cost: null,
        predictedTtftMs: null,
        predictedItlMs: null,
      })
      continue
    }
    const decision = decider.decide(
      decisionInput(input.template, load, actualReplicas ?? previous ?? input.initialReplicas),
    )
    const desiredReplicas = decision.desired?.numReplicas ?? null
    if (desiredReplicas !== null) previous = desiredReplicas
    const predicted = decision.outcome === 'allocated' ? decision.allocation : null
    steps.push({
      ...base,
      load: {...load},
      outcome: decision.outcome,
      desiredReplicas,
      cost: decision.cost,
      predictedTtftMs: predicted?.ttftMs ?? null,
      predictedItlMs: predicted?.itlMs ?? null,
    })
  }
  return {
    namespace: input.namespace,
    name: input.name,
    modelID: input.modelID,
    skipReason: input.template === undefined ? (input.skipReason ?? 'cannot be evaluated') : null,
    seriesSources: input.seriesSources ?? {},
    steps,
    summary: summarize(steps, grid.stepSeconds, input),
  }
}

/**
 * The optimizer's load at a step, or undefined for a gap (see the module comment). As in simulate (resolveLoad), a
 * rate of 0 after the what-ifs decides zero load whatever the token averages are. Throws a UsageError naming
 * `object` when --load-scale takes a measured rate beyond float32, where the controller would read it as +Inf.
 */
export function stepLoad(
  point: ModelMetricsPoint | undefined,
  whatIf: WhatIf,
  object = 'replay step',
): DecisionLoad | undefined {
  const arrival = whatIf.arrivalRateRpm ?? point?.arrivalRateRpm
  if (arrival === undefined) return undefined
  const problem = scaledRateProblem(arrival, whatIf.loadScale)
  if (problem) throw new UsageError(`${object}: ${problem.what}`, {hint: problem.fix})
  const arrivalRateRpm = arrival * (whatIf.loadScale ?? 1)
  const idle = arrivalRateRpm === 0
  const avgInputTokens = whatIf.avgInputTokens ?? point?.avgInputTokens ?? (idle ? 0 : undefined)
  const avgOutputTokens = whatIf.avgOutputTokens ?? point?.avgOutputTokens ?? (idle ? 0 : undefined)
  if (avgInputTokens === undefined || avgOutputTokens === undefined) return undefined
  return {arrivalRateRpm, avgInputTokens, avgOutputTokens}
}

function summarize(steps: readonly ReplayStep[], stepSeconds: number, input: VaReplayInput): ReplaySummary {
  return summarizeSteps(steps, stepSeconds, {
    costOf: replicaCost(input.template),
    oursFromStepCosts: true,
    slo: input.slo,
  })
}

/**
 * The per-VA summary of a replayed series: replica-hours and cost of ours, the controller's and the actual replicas,
 * scaling changes, no-data stretches, largest gaps and time over SLO. Shared by the queueing-model and saturation
 * replays. `oursFromStepCosts` takes our cost from each step (the optimizer's number) instead of `costOf`.
 */
export function summarizeSteps(
  steps: readonly ReplayStep[],
  stepSeconds: number,
  options: {costOf: ((replicas: number) => number) | undefined; oursFromStepCosts: boolean; slo: VaReplayInput['slo']},
): ReplaySummary {
  const costOf = options.costOf
  const ours = options.oursFromStepCosts
    ? seriesSummary(
        steps.map((step) => step.desiredReplicas),
        stepSeconds,
        undefined,
        steps.map((step) => step.cost),
      )
    : seriesSummary(
        steps.map((step) => step.desiredReplicas),
        stepSeconds,
        costOf,
      )
  const controllerValues = steps.map((step) => step.controllerReplicas)
  const actualValues = steps.map((step) => step.actualReplicas)
  let noDataSteps = 0
  let run = 0
  let longestRun = 0
  for (const step of steps) {
    run = step.outcome === 'noData' ? run + 1 : 0
    if (run > 0) noDataSteps++
    longestRun = Math.max(longestRun, run)
  }
  return {
    steps: steps.length,
    stepSeconds,
    noDataSteps,
    longestNoDataSeconds: longestRun * stepSeconds,
    infeasibleSteps: steps.filter((step) => step.outcome === 'infeasible').length,
    ours,
    controller: controllerValues.some((value) => value !== null)
      ? seriesSummary(controllerValues, stepSeconds, costOf)
      : null,
    actual: actualValues.some((value) => value !== null) ? seriesSummary(actualValues, stepSeconds, costOf) : null,
    largestGapVsActual: largestGap(steps, actualValues),
    largestGapVsController: largestGap(steps, controllerValues),
    overSlo: overSlo(steps, stepSeconds, options.slo),
  }
}

// Cost per step of n replicas as the optimizer computes it (allocationCost); undefined without a template.
function replicaCost(template: DecisionTemplate | undefined): ((replicas: number) => number) | undefined {
  if (template === undefined) return undefined
  const unitCost = parseAcceleratorCost(template.acceleratorUnitCost)
  if (!unitCost.ok) return undefined
  const units = template.acceleratorCount <= 0 ? 1 : template.acceleratorCount
  return (replicas) => allocationCost(unitCost.value, units, replicas)
}

function seriesSummary(
  values: ReadonlyArray<number | null>,
  stepSeconds: number,
  costOf?: (replicas: number) => number,
  costs?: ReadonlyArray<number | null>,
): ReplicaSeriesSummary {
  let knownSteps = 0
  let replicaSteps = 0
  let costSteps = 0
  let costKnown = costOf !== undefined || costs !== undefined
  let scalingChanges = 0
  let last: number | undefined
  let min: number | null = null
  let max: number | null = null
  values.forEach((value, index) => {
    if (value === null) return
    knownSteps++
    replicaSteps += value
    const cost = costs ? costs[index] : costOf?.(value)
    if (cost === null || cost === undefined) costKnown = false
    else costSteps += cost
    if (last !== undefined && value !== last) scalingChanges++
    last = value
    min = min === null ? value : Math.min(min, value)
    max = max === null ? value : Math.max(max, value)
  })
  return {
    knownSteps,
    replicaHours: (replicaSteps * stepSeconds) / secondsPerHour,
    costHours: costKnown && knownSteps > 0 ? (costSteps * stepSeconds) / secondsPerHour : null,
    scalingChanges,
    minReplicas: min,
    maxReplicas: max,
  }
}

function largestGap(steps: readonly ReplayStep[], others: ReadonlyArray<number | null>): LargestGap | null {
  let best: LargestGap | null = null
  steps.forEach((step, index) => {
    const other = others[index]
    if (step.desiredReplicas === null || other === null || other === undefined) return
    const difference = step.desiredReplicas - other
    if (best === null || Math.abs(difference) > Math.abs(best.difference))
      best = {timeMs: step.timeMs, difference, ours: step.desiredReplicas, other}
  })
  return best
}

function overSlo(
  steps: readonly ReplayStep[],
  stepSeconds: number,
  slo: VaReplayInput['slo'],
): ReplaySummary['overSlo'] {
  if (slo === undefined) return null
  let ttft = 0
  let itl = 0
  let either = 0
  let measuredSteps = 0
  for (const step of steps) {
    if (step.measuredTtftMs === null && step.measuredItlMs === null) continue
    measuredSteps++
    const overTtft = slo.ttftMs > 0 && step.measuredTtftMs !== null && step.measuredTtftMs > slo.ttftMs
    const overItl = slo.itlMs > 0 && step.measuredItlMs !== null && step.measuredItlMs > slo.itlMs
    if (overTtft) ttft++
    if (overItl) itl++
    if (overTtft || overItl) either++
  }
  return {
    ttftSeconds: ttft * stepSeconds,
    itlSeconds: itl * stepSeconds,
    eitherSeconds: either * stepSeconds,
    measuredSteps,
  }
}
