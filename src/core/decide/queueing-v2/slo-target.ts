import {f32} from '../queueing/float32.js'
import type {ServiceParmsV2} from './service-time.js'
import type {SLOTargetV2, WorkloadMetrics} from './variant-capacity.js'

/**
 * SLO targets of the queueing model when the ConfigMap names none. Mirrors upstream guessSLOFromMetrics and
 * fallbackSLOFromObservations (internal/engines/analyzers/queueingmodel/analyzer.go; the same at v0.6.0-v0.9.0).
 * Float64 arithmetic, rounded to float32 at the end as upstream stores SLOTarget.
 */

/** Upstream DefaultSLOMultiplier k: iterations may take k x alpha at the SLO (utilisation 1 - 1/k). */
export const DEFAULT_SLO_MULTIPLIER = 3.0
/** Upstream DefaultFallbackHeadroom: observed latencies are multiplied by this when no parameters are learned. */
export const DEFAULT_FALLBACK_HEADROOM = 1.5
/** Upstream DefaultMaxFallbackTTFT, ms. */
export const DEFAULT_MAX_FALLBACK_TTFT_MS = 10_000
/** Upstream DefaultMaxFallbackITL, ms. */
export const DEFAULT_MAX_FALLBACK_ITL_MS = 500

const MS_PER_SECOND = 1000

/** Where the targets came from. */
export type SLOTargetSource = 'config' | 'model' | 'observed'

export type InferredSLOTarget = {readonly target: SLOTargetV2; readonly source: 'model' | 'observed'} | undefined

/**
 * TTFT = k alpha + (beta + gamma) I and ITL = k alpha + beta + gamma (I + (O + 1)/2) per variant with positive
 * learned parameters, taking the larger of each over the variants (in `variantNames` order); without any, the
 * observed TTFT and ITL x 1.5, capped at 10 s and 500 ms; undefined when no pod has traffic or nothing was
 * observed. `workload` is aggregated over all pods of the model; `sloMultiplier` <= 1 means the default.
 */
export function inferSLOTarget(
  variantNames: readonly string[],
  serviceParmsByVariant: ReadonlyMap<string, ServiceParmsV2>,
  workload: WorkloadMetrics,
  sloMultiplier: number,
): InferredSLOTarget {
  if (workload.busyPods === 0) return undefined
  const k = sloMultiplier <= 1 ? DEFAULT_SLO_MULTIPLIER : sloMultiplier
  let best: {targetTTFTMs: number; targetITLMs: number} | undefined
  for (const variantName of variantNames) {
    const parms = serviceParmsByVariant.get(variantName)
    // Upstream skips non-positive parameters, so a learned alpha of exactly 0 does not count (NaN does, as there).
    if (parms === undefined || parms.alpha <= 0 || parms.beta <= 0 || parms.gamma <= 0) continue
    const iterationAtSLOMs = k * parms.alpha
    const prefillWorkMs = (parms.beta + parms.gamma) * workload.avgInputTokens
    const decodeWorkMs = parms.beta + parms.gamma * (workload.avgInputTokens + (workload.avgOutputTokens + 1) / 2)
    const candidate = {
      targetTTFTMs: f32(iterationAtSLOMs + prefillWorkMs),
      targetITLMs: f32(iterationAtSLOMs + decodeWorkMs),
    }
    // Upstream SLOTarget.Max: Go's built-in max, which propagates NaN as Math.max does.
    best =
      best === undefined
        ? candidate
        : {
            targetTTFTMs: Math.max(best.targetTTFTMs, candidate.targetTTFTMs),
            targetITLMs: Math.max(best.targetITLMs, candidate.targetITLMs),
          }
  }
  if (best !== undefined) return {target: best, source: 'model'}
  return fallbackSLOFromObservations(workload)
}

function fallbackSLOFromObservations(workload: WorkloadMetrics): InferredSLOTarget {
  if (workload.avgTTFTSeconds <= 0 || workload.avgITLSeconds <= 0) return undefined
  const observedTTFTMs = workload.avgTTFTSeconds * MS_PER_SECOND
  const observedITLMs = workload.avgITLSeconds * MS_PER_SECOND
  const ttftMs = Math.min(observedTTFTMs * DEFAULT_FALLBACK_HEADROOM, DEFAULT_MAX_FALLBACK_TTFT_MS)
  const itlMs = Math.min(observedITLMs * DEFAULT_FALLBACK_HEADROOM, DEFAULT_MAX_FALLBACK_ITL_MS)
  return {target: {targetTTFTMs: f32(ttftMs), targetITLMs: f32(itlMs)}, source: 'observed'}
}
