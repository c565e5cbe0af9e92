/**
 * The facts a saturation decision is explained from, as data: simulate/saturation-wording.ts words them.
 */
import type {ModelAnalysisDetail} from '../model-analysis.js'
import type {EnforcementResult, ScaleToZeroPolicy} from '../scale-to-zero.js'
import type {
  ModelSaturationAnalysis,
  SaturationThresholds,
  ScaledVariant,
  ScalingAction,
  VariantState,
} from '../types.js'
import type {SaturationEngine} from '../../engine-select.js'

/** Facts about the model group that every VA's explanation draws on. */
export interface GroupFacts {
  readonly engine: SaturationEngine
  readonly modelId: string
  readonly namespace: string
  readonly thresholds: SaturationThresholds
  readonly detail: ModelAnalysisDetail<ModelSaturationAnalysis>
  readonly variantNames: readonly string[]
  readonly scaledVariant: ScaledVariant | undefined
  /** v0.5.1. */
  readonly transitionReasons: readonly string[]
  readonly skippedForPendingReplicas: readonly string[]
  /** v0.4.2. */
  readonly preservedVariants: readonly string[]
  readonly enforcement: EnforcementResult | undefined
  readonly scaleToZeroPolicy: ScaleToZeroPolicy | undefined
  readonly enableLimiter: boolean
}

export interface VariantFacts {
  readonly name: string
  readonly state: VariantState
  readonly targetReplicas: number
  readonly action: ScalingAction
  /** Pods of this VA that fed the engine. */
  readonly reportingPods: number
  readonly cost: number
}

/** What a decided (or unwritten) VA's sentences are worded from. */
export interface DecisionFacts {
  readonly group: GroupFacts
  readonly variant: VariantFacts
  /** Per-replica spec.variantCost of the group's analysed variants, by name (the engine's default otherwise). */
  readonly costs: ReadonlyMap<string, number>
}
