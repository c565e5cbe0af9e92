/**
 * One model group through each engine, as the controllers wire the functions per cycle (saturation-algorithm.md
 * section 7). The GPU limiter runs across all models afterwards (`limitDecisionsByGpu`), and only when enabled.
 */
import {calculateCapacityTargets, toCapacityDecisions, type CapacityTargetsV042} from './capacity-targets.js'
import {analyzeModelCapacityV042, analyzeModelSaturationV051, type ModelAnalysisDetail} from './model-analysis.js'
import {
  enforceScaleToZeroPolicy,
  resolveScaleToZeroPolicy,
  type EnforcementResult,
  type RequestCountReading,
  type ScaleToZeroConfig,
  type ScaleToZeroPolicy,
} from './scale-to-zero.js'
import {calculateSaturationTargets, toSaturationDecisions, type SaturationTargetsV051} from './saturation-targets.js'
import type {
  CapacityAnalysisV042,
  CapacityDecision,
  ModelSaturationAnalysis,
  ReplicaMetric,
  SaturationDecision,
  SaturationThresholds,
  VariantState,
} from './types.js'

/** One model group: the VAs sharing `spec.modelID` (v0.4.2) or `modelID|namespace` (v0.5.1). */
export interface ModelGroupInput {
  readonly modelId: string
  readonly namespace: string
  /** Effective thresholds (resolve them with `resolveCapacityConfigV042` / `resolveSaturationConfigV051`). */
  readonly config: SaturationThresholds
  /** In collector order. */
  readonly replicaMetrics: readonly ReplicaMetric[]
  readonly variantStates: readonly VariantState[]
}

/** Both engines skip a model none of whose pods reported: no decisions, no status write. */
export type EngineSkip = {readonly kind: 'no-metrics'}

export interface CapacityResultV042 extends ModelAnalysisDetail<CapacityAnalysisV042>, CapacityTargetsV042 {
  readonly modelId: string
  readonly namespace: string
  /** What the engine does with the model: skip it, or write these decisions. */
  readonly engineSkip: EngineSkip | undefined
  /** Sorted by variant name; empty when the engine skips the model. */
  readonly decisions: readonly CapacityDecision[]
}

/** capacity v0.4.2, capacity-only mode (the default): analyse, take targets, build decisions. */
export function analyzeCapacityV042(input: ModelGroupInput): CapacityResultV042 {
  const detail = analyzeModelCapacityV042(input.replicaMetrics, input.config)
  const targets = calculateCapacityTargets(detail.analysis, input.variantStates)
  const engineSkip: EngineSkip | undefined = input.replicaMetrics.length === 0 ? {kind: 'no-metrics'} : undefined
  return {
    modelId: input.modelId,
    namespace: input.namespace,
    ...detail,
    ...targets,
    engineSkip,
    decisions:
      engineSkip === undefined ? toCapacityDecisions(targets.targets, detail.analysis, input.variantStates) : [],
  }
}

export interface SaturationGroupInput extends ModelGroupInput {
  /** The parsed scale-to-zero ConfigMap; absent = none (the enforcer then keeps at least one replica). */
  readonly scaleToZeroConfig?: ScaleToZeroConfig | undefined
  /** The controller's `WVA_SCALE_TO_ZERO`; undefined = unset. */
  readonly envWvaScaleToZero?: string | undefined
  /** The reading of `scaleToZeroPolicy.requestCountQuery`, when it was run. */
  readonly requestCount?: RequestCountReading | undefined
}

export interface SaturationResultV051 extends ModelAnalysisDetail<ModelSaturationAnalysis>, SaturationTargetsV051 {
  readonly modelId: string
  readonly namespace: string
  readonly engineSkip: EngineSkip | undefined
  readonly scaleToZeroPolicy: ScaleToZeroPolicy
  /** undefined when the engine skips the model. */
  readonly enforcement: EnforcementResult | undefined
  /** Built from the enforced targets, sorted by variant name; empty when the engine skips the model. */
  readonly decisions: readonly SaturationDecision[]
}

/** saturation V1 v0.5.1: analyse, take targets, enforce scale-to-zero or the minimum, build decisions. */
export function analyzeSaturationV051(input: SaturationGroupInput): SaturationResultV051 {
  const detail = analyzeModelSaturationV051(input.replicaMetrics, input.config)
  const targets = calculateSaturationTargets(detail.analysis, input.variantStates)
  const scaleToZeroPolicy = resolveScaleToZeroPolicy({
    modelId: input.modelId,
    namespace: input.namespace,
    scaleToZeroConfig: input.scaleToZeroConfig ?? {},
    envWvaScaleToZero: input.envWvaScaleToZero,
  })
  const common = {modelId: input.modelId, namespace: input.namespace, ...detail, ...targets, scaleToZeroPolicy}
  if (input.replicaMetrics.length === 0) {
    return {...common, engineSkip: {kind: 'no-metrics'}, enforcement: undefined, decisions: []}
  }
  const enforcement = enforceScaleToZeroPolicy({
    targets: targets.targets,
    variantCosts: detail.analysis.variantAnalyses,
    policy: scaleToZeroPolicy,
    requestCount: input.requestCount,
  })
  return {
    ...common,
    engineSkip: undefined,
    enforcement,
    decisions: toSaturationDecisions(enforcement.targets, detail.analysis, input.variantStates),
  }
}
