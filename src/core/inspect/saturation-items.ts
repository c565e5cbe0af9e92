import type {SaturationRun, SaturationVariantResult} from '../saturation-inputs/run-groups.js'
import type {SaturationDetail, SimulationItem} from './simulation-result.js'

/**
 * The saturation engines' result for one VA, in simulate's view model. They decide from per-pod KV-cache and queue
 * saturation, not from load and SLOs, so `prediction` and `boundBy` stay null and `saturation` carries the why.
 */
export function saturationItem(result: SaturationVariantResult, skeleton: SimulationItem): SimulationItem {
  const target = result.targetReplicas
  // Per-replica spec.variantCost (10 when unset), as the engine weighs variants.
  const perReplicaCost = result.analysis?.cost
  return {
    ...skeleton,
    engine: result.engine === 'capacity-v0.4.2' ? 'capacity' : 'saturation',
    outcome: target === undefined ? 'skipped' : 'allocated',
    reason: target === undefined ? (result.sentences[0] ?? 'no decision').replace(/^skipped: /, '') : null,
    desired: target === undefined ? null : {replicas: target, accelerator: skeleton.accelerator ?? '', cost: perReplicaCost === undefined ? 0 : perReplicaCost * target},
    prediction: null,
    boundBy: null,
    saturation: saturationDetail(result),
  }
}

export function saturationDetail(result: SaturationVariantResult): SaturationDetail {
  return {
    engine: result.engine,
    engineWhy: result.engineWhy,
    group: result.groupKey,
    action: result.action ?? null,
    computedReplicas: result.computedTargetReplicas ?? null,
    currentReplicas: result.state?.currentReplicas ?? null,
    pendingReplicas: result.guards?.pendingReplicas ?? null,
    pods: result.pods.map((pod) => ({name: pod.pod, kvCacheUsage: pod.kvCacheUsage ?? null, queueLength: pod.queueLength ?? null, isSaturated: pod.isSaturated ?? null})),
    model: result.model
      ? {
          avgSpareKvCapacity: result.model.avgSpareKvCapacity,
          kvSpareTrigger: result.model.kvSpareTrigger,
          avgSpareQueueLength: result.model.avgSpareQueueLength,
          queueSpareTrigger: result.model.queueSpareTrigger,
          kvCacheThreshold: result.model.thresholds.kvCacheThreshold,
          queueLengthThreshold: result.model.thresholds.queueLengthThreshold,
          nonSaturatedReplicas: result.model.nonSaturatedCount,
          totalReplicas: result.model.totalReplicas,
          shouldScaleUp: result.model.shouldScaleUp,
          scaleDownSafe: result.model.scaleDownSafe,
        }
      : null,
    explanation: [...result.sentences],
  }
}

export function saturationVariantsByKey(run: SaturationRun): Map<string, SaturationVariantResult> {
  return new Map(run.variants.map((variant) => [`${variant.namespace}\u0000${variant.name}`, variant]))
}
