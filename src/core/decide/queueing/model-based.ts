import type {SloName} from './bisection.js'
import {
  type Allocation,
  allocationCost,
  type AnalyzerHooks,
  createAllocation,
  DIRECT_ANALYZER_HOOKS,
  type SizingDetails,
  transitionPenalty,
} from './allocation.js'
import {
  type CollectedLoad,
  collectLoad,
  currentCostOf,
  parseAcceleratorCost,
  parsePerfParms,
} from './controller-inputs.js'
import {f32, parseGoFloat32} from './float32.js'
import {selectUnlimited} from './solver-unlimited.js'

/** Deployment replicas assumed by upstream for the current allocation's max batch. */
export const CURRENT_MAX_BATCH = 256
/** Shape B: spec.variantCost when unset (CRD default). */
export const DEFAULT_VARIANT_COST = '10'
/** The controller cycle fails with this text when no VA gets an allocation (a lone VA here). */
export const NO_FEASIBLE_ALLOCATIONS = 'no feasible allocations found for all variants'

/** One VariantAutoscaling as the model-based path reads it (the golden `input`). */
export interface ModelBasedInput {
  readonly modelId: string
  /** spec.accelerator; also the accelerator-unit-costs key */
  readonly accelerator: string
  /** accelerator units per replica (<= 0 counts as 1) */
  readonly acceleratorCount: number
  /** spec.variantProfile.maxBatchSize (<= 0: no override) */
  readonly maxBatchSize: number
  readonly decodeParms: Readonly<Record<string, string>>
  readonly prefillParms: Readonly<Record<string, string>>
  /** the ConfigMap entry's cost string, per unit */
  readonly acceleratorUnitCost: string
  /** service class slo-ttft, integer ms; 0 = not constrained */
  readonly sloTtftMs: number
  /** service class slo-tpot, integer ms; 0 = not constrained */
  readonly sloTpotMs: number
  /** as Prometheus returns it, before the collector's formatting */
  readonly arrivalRateRpm: number
  readonly avgInputTokens: number
  readonly avgOutputTokens: number
  /** the Deployment's spec.replicas */
  readonly currentReplicas: number
  /** shape A/B0: env WVA_SCALE_TO_ZERO == "true"; shape B: the resolved per-model scale-to-zero setting */
  readonly scaleToZero: boolean
  /** shape B only (absent = shape A/B0 behaviour): spec.minReplicas, default 0 */
  readonly minReplicas?: number
  /** shape B only: spec.maxReplicas; absent = unbounded */
  readonly maxReplicas?: number
  /** shape B only: spec.variantCost, default "10" (the current allocation's cost, not multiplied) */
  readonly variantCost?: string
  /** shape B only: requests in the scale-to-zero retention window; absent = judge by the arrival rate */
  readonly requestsInRetentionWindow?: number
}

/** Inputs after the controller's conversions (the golden `resolved`). */
export interface ResolvedInputs extends CollectedLoad {
  readonly alpha: number
  readonly beta: number
  readonly gamma: number
  readonly delta: number
  readonly acceleratorCost: number
  readonly numInstances: number
  readonly sloTtftMs: number
  readonly sloItlMs: number
  readonly minNumReplicas: number
  readonly serverMaxBatchSize: number
  readonly currentCostString: string
  readonly currentCost: number
}

export interface DesiredAllocation {
  /** "" for the scale-to-zero allocation (which the shape A/B0 CRD rejects) */
  readonly accelerator: string
  readonly numReplicas: number
}

/** Which SLO limits the per-replica rate. */
export type SloBound = 'ttft' | 'itl'

/** What shape B changed after the solver. */
export interface ShapeBAdjustment {
  /** scale-to-zero with no requests: 0; no replicas anywhere: keep 1 */
  readonly zeroRate?: 'scaledToZero' | 'keptOneReplica'
  /** replicas cut to spec.maxReplicas */
  readonly clampedToMax: boolean
  /** the solver's replicas before these rules */
  readonly solverReplicas: number
}

interface DecidedFields {
  readonly desired: DesiredAllocation
  readonly cost: number
  readonly resolved: ResolvedInputs
  /** the candidate as the solver saw it: value = transition penalty */
  readonly allocation: Allocation
  readonly shapeB?: ShapeBAdjustment
}

export type ModelBasedDecision =
  | {
      readonly outcome: 'skipped'
      readonly reason: string
      readonly desired: null
      readonly cost: null
      readonly allocation: null
      /** never resolved: the VA was dropped before its inputs were converted */
      readonly resolved?: undefined
    }
  | {
      readonly outcome: 'infeasible'
      readonly reason: string
      /** why sizing failed (upstream's error text) */
      readonly cause: string
      /** the latency target that cannot be met, when that is why (the cause as data) */
      readonly slo?: SloName
      readonly desired: null
      readonly cost: null
      readonly resolved: ResolvedInputs
      readonly allocation: null
      readonly sizing?: SizingDetails
    }
  | (DecidedFields & {readonly outcome: 'zeroLoad'})
  | (DecidedFields & {
      readonly outcome: 'allocated'
      readonly sizing: SizingDetails
      /** which SLO limits the per-replica rate; undefined when neither does */
      readonly boundBy: SloBound | undefined
      /** the most requests per minute one replica takes within the SLOs */
      readonly maxRpmPerReplica: number
    })

function skipped(reason: string): ModelBasedDecision {
  return {outcome: 'skipped', reason, desired: null, cost: null, allocation: null}
}

function isShapeB(input: ModelBasedInput): boolean {
  return input.minReplicas !== undefined || input.maxReplicas !== undefined
}

/**
 * Desired replicas of one VA by the queueing model, as the 4cf6eb6 controller computes them (unlimited solver,
 * keepAccelerator, one candidate), plus the e46bd4b (shape B) rules when minReplicas/maxReplicas are given.
 * Pure: no clock, environment or I/O. `hooks` replace the analyzer's sizing and per-replica analysis, e.g. with
 * cached ones (memo.ts); the decision is the same.
 */
export function decideModelBased(
  input: ModelBasedInput,
  hooks: AnalyzerHooks = DIRECT_ANALYZER_HOOKS,
): ModelBasedDecision {
  const perf = parsePerfParms(input.decodeParms, input.prefillParms)
  if (!perf.ok) return skipped(perf.reason)
  const unitCost = parseAcceleratorCost(input.acceleratorUnitCost)
  if (!unitCost.ok) return skipped(unitCost.reason)
  const shapeB = isShapeB(input)
  let current = currentCostOf(input.currentReplicas, unitCost.value)
  if (shapeB) {
    // e46bd4b takes spec.variantCost as the current cost as is (not multiplied by replicas).
    const variantCost = input.variantCost ?? DEFAULT_VARIANT_COST
    const parsed = parseGoFloat32(variantCost)
    if (!parsed.ok) return skipped(`variantCost: ${parsed.error}`)
    current = {currentCostString: variantCost, currentCost: parsed.value}
  }
  const load = collectLoad(input.arrivalRateRpm, input.avgInputTokens, input.avgOutputTokens)
  const serviceParms = perf.value
  const resolved: ResolvedInputs = {
    ...serviceParms,
    acceleratorCost: unitCost.value,
    numInstances: input.acceleratorCount <= 0 ? 1 : input.acceleratorCount,
    arrivalRateString: load.arrivalRateString,
    avgInputTokensString: load.avgInputTokensString,
    avgOutputTokensString: load.avgOutputTokensString,
    arrivalRateRpm: load.arrivalRateRpm,
    avgInTokens: load.avgInTokens,
    avgOutTokens: load.avgOutTokens,
    sloTtftMs: f32(input.sloTtftMs),
    sloItlMs: f32(input.sloTpotMs),
    minNumReplicas: shapeB ? (input.minReplicas ?? 0) : input.scaleToZero ? 0 : 1,
    serverMaxBatchSize: Math.max(input.maxBatchSize, 0),
    ...current,
  }
  const created = createAllocation(
    {
      acceleratorName: input.accelerator,
      unitCost: resolved.acceleratorCost,
      numInstances: resolved.numInstances,
      serviceParms,
      perfMaxBatchSize: input.maxBatchSize,
      atTokens: 0,
      serverMaxBatchSize: resolved.serverMaxBatchSize,
      minNumReplicas: resolved.minNumReplicas,
      load: {arrivalRateRpm: load.arrivalRateRpm, avgInTokens: load.avgInTokens, avgOutTokens: load.avgOutTokens},
      targets: {ttftMs: resolved.sloTtftMs, itlMs: resolved.sloItlMs, tps: 0},
    },
    hooks,
  )
  if (created.outcome === 'infeasible') {
    return {
      outcome: 'infeasible',
      reason: NO_FEASIBLE_ALLOCATIONS,
      cause: created.reason,
      ...(created.slo === undefined ? {} : {slo: created.slo}),
      desired: null,
      cost: null,
      resolved,
      allocation: null,
      ...(created.sizing ? {sizing: created.sizing} : {}),
    }
  }
  const currentAllocation = {
    accelerator: input.accelerator,
    numReplicas: input.currentReplicas,
    cost: resolved.currentCost,
  }
  const candidate = {...created.allocation, value: transitionPenalty(currentAllocation, created.allocation)}
  // With keepAccelerator there is one candidate; the solver still drops it when its value is not below MaxFloat32.
  const chosen = selectUnlimited(new Map([[input.accelerator, candidate]]))
  if (!chosen) {
    return {
      outcome: 'infeasible',
      reason: NO_FEASIBLE_ALLOCATIONS,
      cause: 'transition penalty not below the largest float32',
      desired: null,
      cost: null,
      resolved,
      allocation: null,
    }
  }
  let desired: DesiredAllocation = {accelerator: chosen.accelerator, numReplicas: chosen.numReplicas}
  let cost = chosen.cost
  let shapeBAdjustment: ShapeBAdjustment | undefined
  if (shapeB) {
    const adjusted = applyShapeBRules(input, resolved, chosen.numReplicas)
    shapeBAdjustment = adjusted.adjustment
    desired = {accelerator: input.accelerator, numReplicas: adjusted.numReplicas}
    cost =
      adjusted.numReplicas === chosen.numReplicas && chosen.accelerator === input.accelerator
        ? chosen.cost
        : allocationCost(resolved.acceleratorCost, resolved.numInstances, adjusted.numReplicas)
  }
  const fields = {
    desired,
    cost,
    resolved,
    allocation: candidate,
    ...(shapeBAdjustment ? {shapeB: shapeBAdjustment} : {}),
  }
  if (created.outcome === 'zeroLoad') return {outcome: 'zeroLoad', ...fields}
  return {
    outcome: 'allocated',
    ...fields,
    sizing: created.sizing,
    boundBy: sloBound(created.sizing),
    maxRpmPerReplica: candidate.maxRpmPerReplica,
  }
}

/**
 * The SLO whose target rate is the smaller one, when it is below the unconstrained rate (the top of the rate
 * range, r(r(rateMax / 1000) * 1000) as sizing computes it). Ties go to TTFT, which upstream searches first.
 */
export function sloBound(sizing: SizingDetails): SloBound | undefined {
  const rate = sizing.size.targetRate
  if (!rate) return undefined
  const unconstrained = f32(f32(sizing.rateRangeMaxRps / 1000) * 1000)
  const ttft = rate.rateTargetTTFTRps
  const itl = rate.rateTargetITLRps
  if (ttft >= unconstrained && itl >= unconstrained) return undefined
  return ttft <= itl ? 'ttft' : 'itl'
}

/**
 * e46bd4b's applyZeroRateHandling and maxReplicas clamp for a model with this one variant.
 * - Scale-to-zero enabled and no request in the retention window: 0 replicas. Ambiguity: upstream counts requests
 *   with increase(...[retention]); when the caller does not pass that count we judge by the collected arrival rate
 *   being 0. Upstream applies this even when spec.minReplicas > 0; so do we.
 * - Otherwise, when no variant of the model has replicas, the only variant keeps 1.
 * - Then clamp to spec.maxReplicas.
 * Only VAs the solver allocated reach this (an infeasible VA is not in the solution).
 */
export function applyShapeBRules(
  input: Pick<ModelBasedInput, 'scaleToZero' | 'maxReplicas' | 'requestsInRetentionWindow'>,
  resolved: Pick<ResolvedInputs, 'arrivalRateRpm'>,
  solverReplicas: number,
): {numReplicas: number; adjustment: ShapeBAdjustment} {
  const noRequests =
    input.requestsInRetentionWindow === undefined
      ? resolved.arrivalRateRpm === 0
      : input.requestsInRetentionWindow === 0
  let numReplicas = solverReplicas
  let zeroRate: ShapeBAdjustment['zeroRate']
  if (input.scaleToZero && noRequests) {
    numReplicas = 0
    zeroRate = 'scaledToZero'
  } else if (numReplicas === 0) {
    numReplicas = 1
    zeroRate = 'keptOneReplica'
  }
  const clampedToMax = input.maxReplicas !== undefined && numReplicas > input.maxReplicas
  if (clampedToMax) numReplicas = input.maxReplicas as number
  return {numReplicas, adjustment: {...(zeroRate ? {zeroRate} : {}), clampedToMax, solverReplicas}}
}
