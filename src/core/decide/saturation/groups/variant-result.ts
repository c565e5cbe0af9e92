/**
 * What the saturation engines' run returns: one tagged result per VA (`outcome`), one result per model group, and
 * the run's notes. The accessors read the fields a caller wants across outcomes.
 */
import type {PodMetrics} from '../../../model/metrics.js'
import type {SaturationEngine} from '../../engine-select.js'
import type {CapacityResultV042, SaturationGroupInput, SaturationResultV051} from '../engine.js'
import type {ScaleDownCheck} from '../model-analysis.js'
import type {EnforcementResult, RequestCountQuery, ScaleToZeroPolicy} from '../scale-to-zero.js'
import type {SaturationThresholds, ScalingAction, VariantSaturationAnalysis, VariantState} from '../types.js'
import type {ConfigEntryProblem, ConfigMapRef} from './config.js'
import type {DecisionFacts} from './decision-facts.js'
import type {GroupLoadApplied} from './load-model.js'
import type {PodAssignment, PodWithoutMetrics, SharedDeployment} from './pod-mapping.js'

/** Why the controller makes no decision for a VA (or computes one it never writes). */
export type SaturationSkip =
  | {readonly kind: 'invalid-va'; readonly message: string}
  | {readonly kind: 'no-accelerator-label'}
  | {readonly kind: 'no-variant-cost'}
  | {readonly kind: 'deployment-not-found'; readonly deployment: string}
  | {readonly kind: 'deployment-at-zero'; readonly deployment: string}
  | {readonly kind: 'shared-deployment'; readonly deployment: string; readonly variantAutoscalings: readonly string[]}
  | {readonly kind: 'not-watched'; readonly watchNamespace: string}
  | {readonly kind: 'other-controller-instance'; readonly controllerInstance: string}
  | {readonly kind: 'no-config'; readonly reason: string}
  /** No pod of the whole model reported: the engine skips the model. */
  | {readonly kind: 'no-metrics'}
  /** Other variants reported, this one did not: it gets no target. */
  | {readonly kind: 'variant-no-metrics'}

type SkipOf<Kind extends SaturationSkip['kind']> = Extract<SaturationSkip, {readonly kind: Kind}>

/** Why a VA is left out before the engine runs (its filters, a shared Deployment, its model without config). */
export type ExclusionSkip = Exclude<SaturationSkip, SkipOf<'no-metrics' | 'variant-no-metrics'>>

/** One pod of the VA as the engine saw it. */
export interface SaturationPodRow {
  readonly pod: string
  /** As fed to the engine: a missing reading is 0; undefined when the pod was dropped. */
  readonly kvCacheUsage: number | undefined
  /** As fed: truncated to an integer, as the controller does; a missing reading is 0. */
  readonly queueLength: number | undefined
  /** undefined when the pod was dropped (neither metric). */
  readonly isSaturated: boolean | undefined
  /** Which readings Prometheus did not return. */
  readonly missing: readonly ('kvCacheUsage' | 'queueLength')[]
}

/** Model-level numbers against their triggers. */
export interface SaturationModelSummary {
  readonly thresholds: SaturationThresholds
  readonly totalReplicas: number
  readonly nonSaturatedCount: number
  /** KV fraction. */
  readonly avgSpareKvCapacity: number
  readonly kvSpareTrigger: number
  /** Waiting requests. */
  readonly avgSpareQueueLength: number
  readonly queueSpareTrigger: number
  readonly shouldScaleUp: boolean
  /** Go's text, "" when no trigger fired. */
  readonly scaleUpReason: string
  readonly scaleDownSafe: boolean
  readonly scaleDownCheck: ScaleDownCheck
}

export interface SaturationGuards {
  readonly pendingReplicas: number
  /** v0.5.1: the whole model is frozen this cycle. */
  readonly modelInTransition: boolean
  readonly transitionReasons: readonly string[]
  /** v0.5.1: this VA was passed over for the scale-up because of pending replicas. */
  readonly isSkippedForPending: boolean
  /** v0.4.2: desired != current, so the VA keeps desired and takes no ±1. */
  readonly isDesiredPreserved: boolean
}

/** What every VA result says, whatever its outcome. */
interface VariantIdentity {
  readonly namespace: string
  readonly name: string
  readonly modelId: string
  readonly engine: SaturationEngine
  readonly engineWhy: string
  /** `modelId` (v0.4.2) or `modelId|namespace` (v0.5.1). */
  readonly groupKey: string
  readonly deployment: string
  /** The VA's `status.desiredOptimizedAlloc.numReplicas` (what a skip leaves in place); undefined when unset. */
  readonly statusDesiredReplicas: number | undefined
  /** The namespace its model group's engine reads (v0.4.2: the group's first VA's); undefined outside a group. */
  readonly readNamespace: string | undefined
}

/** A VA that never reached the engine: its state comes from its Deployment, and it has no pods. */
interface UnanalysedVariant extends VariantIdentity {
  /** undefined when its Deployment was not found. */
  readonly state: VariantState | undefined
  readonly pods: readonly []
}

/** A VA whose state (and, unless its Deployment is shared, pods) the engine was fed. */
interface AnalysedVariant extends VariantIdentity {
  readonly state: VariantState
  readonly pods: readonly SaturationPodRow[]
  readonly guards: SaturationGuards
  /** v0.5.1's scale-to-zero enforcement of the model. */
  readonly enforcement: EnforcementResult | undefined
}

/** The engine's decision for a VA. */
interface EngineDecision {
  readonly action: ScalingAction
  /** Upstream decision reason, e.g. `saturation-only mode: scale-up`. */
  readonly decisionReason: string
  readonly analysis: VariantSaturationAnalysis | undefined
  readonly model: SaturationModelSummary
  /** What its sentences are worded from (simulate/saturation-wording.ts). */
  readonly explain: DecisionFacts
}

/** The controller writes `targetReplicas`. */
export interface DecidedVariant extends AnalysedVariant, EngineDecision {
  readonly outcome: 'decided'
  readonly targetReplicas: number
}

/** v0.5.1 computes a target for a VA without the accelerator label but never writes it. */
export interface UnwrittenVariant extends AnalysedVariant, EngineDecision {
  readonly outcome: 'unwritten'
  readonly computedTargetReplicas: number
  readonly skip: SkipOf<'no-accelerator-label'>
}

/** Fed to the engine, but no target: its Deployment is shared, or no pod (of the model, or of the VA) reported. */
export interface UndecidedVariant extends AnalysedVariant {
  readonly outcome: 'undecided'
  readonly skip: SkipOf<'shared-deployment' | 'no-metrics' | 'variant-no-metrics'>
  /** undefined when the engine skipped the whole model (`no-metrics`). */
  readonly model: SaturationModelSummary | undefined
}

/** Left out before the engine: by the controller's filters, or because its model has no config. */
export interface SkippedVariant extends UnanalysedVariant {
  readonly outcome: 'skipped'
  readonly skip: Exclude<ExclusionSkip, SkipOf<'invalid-va'>>
}

/** The VA itself is invalid (fields the CRD rejects). */
export interface InvalidVariant extends UnanalysedVariant {
  readonly outcome: 'invalid'
  readonly skip: SkipOf<'invalid-va'>
}

/** One VA's result; every outcome but `decided` says why in `skip`. */
export type SaturationVariantResult =
  | DecidedVariant
  | UnwrittenVariant
  | UndecidedVariant
  | SkippedVariant
  | InvalidVariant

/** What the controller would write; undefined when it writes nothing. */
export function writtenTarget(result: SaturationVariantResult): number | undefined {
  return result.outcome === 'decided' ? result.targetReplicas : undefined
}

/** The engine's target, written or not. */
export function computedTarget(result: SaturationVariantResult): number | undefined {
  if (result.outcome === 'decided') return result.targetReplicas
  return result.outcome === 'unwritten' ? result.computedTargetReplicas : undefined
}

/** Why the controller writes no target; undefined when it writes one. */
export function skipOf(result: SaturationVariantResult): SaturationSkip | undefined {
  return result.outcome === 'decided' ? undefined : result.skip
}

/** The engine's decision, written or not. */
export function decisionOf(result: SaturationVariantResult): EngineDecision | undefined {
  return result.outcome === 'decided' || result.outcome === 'unwritten' ? result : undefined
}

/** The results the engine was fed. */
export function isAnalysed(
  result: SaturationVariantResult,
): result is DecidedVariant | UnwrittenVariant | UndecidedVariant {
  return result.outcome === 'decided' || result.outcome === 'unwritten' || result.outcome === 'undecided'
}

export type SaturationGroupOutcome =
  | {readonly engine: 'capacity-v0.4.2'; readonly result: CapacityResultV042}
  | {readonly engine: 'saturation-v0.5.1'; readonly result: SaturationResultV051}

/** What every group result says. */
interface GroupIdentity {
  readonly key: string
  readonly engine: SaturationEngine
  readonly modelId: string
  /** The namespace the engine queries (v0.4.2: the first VA's). */
  readonly namespace: string
  /** VAs of the group, sorted by namespace and name. */
  readonly variantAutoscalings: readonly string[]
  /** undefined: hard-coded thresholds (v0.4.2 without ConfigMap) or none (v0.5.1 no config). */
  readonly configMap: ConfigMapRef | undefined
  /** Names of the thresholds the overrides replaced. */
  readonly overriddenThresholds: readonly (keyof SaturationThresholds)[]
  readonly enableLimiter: boolean
  readonly scaleToZeroConfigMap: ConfigMapRef | undefined
  readonly scaleToZeroPolicy: ScaleToZeroPolicy | undefined
  /** The load model's scaling of this group's readings; undefined without a load what-if. */
  readonly load: GroupLoadApplied | undefined
}

/** The group's engine ran (`skip` says when it then skipped the model for want of metrics). */
export interface RanGroup extends GroupIdentity {
  readonly status: 'ran'
  readonly thresholds: SaturationThresholds
  readonly skip: SkipOf<'no-metrics'> | undefined
  readonly outcome: SaturationGroupOutcome
  /** Exactly what the engine was given (v0.4.2 ignores the scale-to-zero fields). */
  readonly engineInput: SaturationGroupInput
}

/** No thresholds to run with: the controller skips the model. */
export interface NoConfigGroup extends GroupIdentity {
  readonly status: 'no-config'
  readonly thresholds: undefined
  readonly skip: SkipOf<'no-config'>
  readonly outcome: undefined
  readonly engineInput: undefined
}

export type SaturationGroupResult = RanGroup | NoConfigGroup

export interface SaturationRun {
  /** Sorted by namespace and name. */
  readonly variants: readonly SaturationVariantResult[]
  readonly groups: readonly SaturationGroupResult[]
  /** VAs the controller sizes with the queueing model instead. */
  readonly queueingModelVariants: readonly {readonly namespace: string; readonly name: string; readonly why: string}[]
  /** The scale-to-zero queries the run needed (enabled models); readings absent from the input count as unknown. */
  readonly requestCountQueries: readonly RequestCountQuery[]
  readonly podsOfUnknownDeployments: readonly PodAssignment[]
  readonly sharedDeployments: readonly SharedDeployment[]
  readonly podsWithoutMetrics: readonly PodWithoutMetrics[]
  readonly configProblems: readonly ConfigEntryProblem[]
  readonly warnings: readonly string[]
}

/** A pod as its row shows it: `pod` as fed to the engine (scaled by a load what-if). */
export function podRow(pod: PodMetrics, isSaturated: boolean | undefined): SaturationPodRow {
  const missing = [
    ...(pod.kvCacheUsage === undefined ? ['kvCacheUsage' as const] : []),
    ...(pod.queueLength === undefined ? ['queueLength' as const] : []),
  ]
  const dropped = missing.length === 2
  return {
    pod: pod.name,
    kvCacheUsage: dropped ? undefined : (pod.kvCacheUsage ?? 0),
    queueLength: dropped ? undefined : Math.trunc(pod.queueLength ?? 0),
    isSaturated,
    missing,
  }
}
