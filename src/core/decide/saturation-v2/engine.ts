/**
 * One model through the V2 engine of a release with the default cost-aware optimizer (upstream
 * internal/engines/saturation engine.go `optimizeV2` / engine_v2.go): analysis with the threshold step, the model
 * skip, the optimizer, then stage 3 (the enforcer and, at v0.9, its gates). GreedyByScore (enableLimiter) runs
 * across models instead: see greedy-score-optimizer.ts.
 */
import type {RequestCountReading} from '../saturation/scale-to-zero.js'
import {analyzeSaturationV2, type V2AnalyzeResult} from './analyzer.js'
import {costAwareOptimizerName, optimizeCostAware} from './cost-aware-optimizer.js'
import {detectInferenceEngine} from './engine-params.js'
import {enforcePolicyOnDecisions, hasMinReplicasAboveZero, type ScaleToZeroGate} from './enforcer.js'
import {behaviourOf, type SaturationV2Release} from './release.js'
import type {V2Decision, V2ModelInput, V2VariantInput} from './types.js'

/** Scale-to-zero as resolved for the model (see `resolveV2ScaleToZeroPolicy`); default: disabled. */
export interface V2ScaleToZeroInput {
  readonly scaleToZeroEnabled: boolean
  /** The request-count reading over the retention period; only read when enabled. */
  readonly requestCount?: RequestCountReading | undefined
}

/** Why the model got no decisions: v0.6/v0.8 skip a model without metrics; v0.9 an uninformative result. */
export type V2ModelSkip = 'no-metrics' | 'uninformative'

/** What stage 3 did. */
export type V2Enforcement =
  | {readonly kind: 'skipped'; readonly gate: Exclude<ScaleToZeroGate, ''>}
  | {
      readonly kind: 'ran'
      readonly scaleToZeroEnabled: boolean
      /** Whether the enforcer read the request count (it does only when enabled). */
      readonly requestCountQueried: boolean
      readonly scaledToZero: boolean
      readonly minimumReplicaPreserved: boolean
    }

export interface V2ModelDecision extends V2AnalyzeResult {
  readonly release: SaturationV2Release
  /** undefined = the optimizer ran. */
  readonly skipped: V2ModelSkip | undefined
  /** The optimizer's decisions, sorted by variant name. */
  readonly optimizerDecisions: readonly V2Decision[]
  /** undefined when the model was skipped (v0.6/v0.8: no enforcer call at all). */
  readonly enforcement: V2Enforcement | undefined
  /** Final decisions, sorted by variant name. */
  readonly decisions: readonly V2Decision[]
}

/** v0.9 `scaleToZeroSupportedForEngines`: every scale target found must run vLLM. */
export function runsOnlyVllm(variants: readonly V2VariantInput[]): boolean {
  return variants.every(
    (variant) =>
      variant.engineArgs === null ||
      variant.engineArgs === undefined ||
      detectInferenceEngine(variant.engineImage ?? '', variant.engineArgs) === 'vllm',
  )
}

/** Stage-3 gate of `release`: '' when the enforcer runs. */
function scaleToZeroGate(
  release: SaturationV2Release,
  decisions: readonly V2Decision[],
  variants: readonly V2VariantInput[],
): ScaleToZeroGate {
  if (release === 'v0.9') {
    if (decisions.length === 0) return 'no-decisions'
    if (!runsOnlyVllm(variants)) return 'non-vllm-engine'
  }
  return hasMinReplicasAboveZero(variants) ? 'min-replicas-above-zero' : ''
}

export interface V2EngineOptions {
  /** Default: disabled. */
  readonly scaleToZero?: V2ScaleToZeroInput | undefined
  /**
   * Hand `input.schedulerQueue` to the analyzer even where the engine does not (v0.6/v0.7), as the golden harness
   * does to test the analyzer. Default: what the release's engine does.
   */
  readonly forceSchedulerQueue?: boolean | undefined
}

/** One model, one cycle, cost-aware optimizer: the replicas the V2 engine of `release` would ask for. Pure. */
export function decideSaturationV2Model(
  input: V2ModelInput,
  release: SaturationV2Release,
  options: V2EngineOptions = {},
): V2ModelDecision {
  const behaviour = behaviourOf(release)
  const scaleToZero = options.scaleToZero ?? {scaleToZeroEnabled: false}
  const passesQueue = behaviour.passesSchedulerQueue || options.forceSchedulerQueue === true
  const analyzed = analyzeSaturationV2(passesQueue ? input : {...input, schedulerQueue: undefined}, release)
  const variants = input.variants ?? []
  const skippedResult = (skipped: V2ModelSkip): V2ModelDecision => ({
    ...analyzed,
    release,
    skipped,
    optimizerDecisions: [],
    enforcement: undefined,
    decisions: [],
  })
  if (behaviour.modelSkip === 'no-metrics' && (input.replicaMetrics ?? []).length === 0) {
    return skippedResult('no-metrics')
  }
  const optimized = optimizeCostAware(input.modelId, input.namespace, analyzed.analysis, variants, release)
  const skipped = optimized.informative ? undefined : 'uninformative'
  const gate = scaleToZeroGate(release, optimized.decisions, variants)
  if (gate !== '') {
    return {
      ...analyzed,
      release,
      skipped,
      optimizerDecisions: optimized.decisions,
      enforcement: {kind: 'skipped', gate},
      decisions: optimized.decisions,
    }
  }
  const result = enforcePolicyOnDecisions({
    decisions: optimized.decisions,
    scaleToZeroEnabled: scaleToZero.scaleToZeroEnabled,
    requestCount: scaleToZero.requestCount,
    optimizerName: costAwareOptimizerName,
    release,
  })
  return {
    ...analyzed,
    release,
    skipped,
    optimizerDecisions: optimized.decisions,
    enforcement: {
      kind: 'ran',
      scaleToZeroEnabled: scaleToZero.scaleToZeroEnabled,
      requestCountQueried: scaleToZero.scaleToZeroEnabled,
      scaledToZero: result.scaledToZero,
      minimumReplicaPreserved: result.minimumReplicaPreserved,
    },
    decisions: result.decisions,
  }
}
