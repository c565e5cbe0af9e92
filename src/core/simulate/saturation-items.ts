import type {GroupLoadApplied} from '../decide/saturation/groups/load-model.js'
import {
  computedTarget,
  decisionOf,
  isAnalysed,
  skipOf,
  writtenTarget,
  type SaturationRun,
  type SaturationVariantResult,
} from '../decide/saturation/groups/variant-result.js'
import type {GroupSettle} from '../decide/saturation/groups/settle.js'
import {noTargetReason, saturationSentences, settleSentence} from './saturation-wording.js'
import {reasonCodeOf, type SaturationDetail, type SimulationItem} from './simulation-result.js'

/** The group-level what-if context of a VA's result: the load model applied and where the cycles settle. */
export interface SaturationItemContext {
  load?: GroupLoadApplied | undefined
  settle?: GroupSettle | undefined
}

/**
 * The saturation engines' result for one VA, in simulate's view model. They decide from per-pod KV-cache and queue
 * saturation, not from load and SLOs, so `prediction` and `boundBy` stay null and `saturation` carries the why. With
 * a settle (load or threshold what-ifs), `desired` is where the cycles settle rather than the next cycle's target.
 */
export function saturationItem(
  result: SaturationVariantResult,
  skeleton: SimulationItem,
  context: SaturationItemContext = {},
): SimulationItem {
  const next = writtenTarget(result)
  const settled = next === undefined ? undefined : context.settle?.replicas.get(result.name)
  const target = settled ?? next
  // Per-replica spec.variantCost (10 when unset), as the engine weighs variants.
  const perReplicaCost = decisionOf(result)?.analysis?.cost
  return {
    ...skeleton,
    engine: result.engine === 'capacity-v0.4.2' ? 'capacity' : 'saturation',
    outcome: target === undefined ? 'skipped' : 'allocated',
    reason: target === undefined ? noTargetReason(result) : null,
    reasonCode: reasonCodeOf({
      outcome: target === undefined ? 'skipped' : 'allocated',
      boundBy: null,
      saturation: {action: decisionOf(result)?.action ?? null},
    }),
    cause: target === undefined ? (skipOf(result)?.kind ?? null) : null,
    desired:
      target === undefined
        ? null
        : {
            replicas: target,
            accelerator: skeleton.accelerator ?? '',
            cost: perReplicaCost === undefined ? 0 : perReplicaCost * target,
          },
    prediction: null,
    boundBy: null,
    saturation: saturationDetail(result, settled === undefined ? {load: context.load} : context),
  }
}

export function saturationDetail(
  result: SaturationVariantResult,
  context: SaturationItemContext = {},
): SaturationDetail {
  const {load} = context
  const settle = context.settle
  const settledReplicas = settle?.replicas.get(result.name)
  const explanation = saturationSentences(result)
  const model = isAnalysed(result) ? result.model : undefined
  if (settle !== undefined && settledReplicas !== undefined) {
    explanation.push(settleSentence(result, settledReplicas, settle, load))
  }
  return {
    engine: result.engine,
    engineWhy: result.engineWhy,
    group: result.groupKey,
    action: decisionOf(result)?.action ?? null,
    computedReplicas: computedTarget(result) ?? null,
    currentReplicas: result.state?.currentReplicas ?? null,
    pendingReplicas: isAnalysed(result) ? result.guards.pendingReplicas : null,
    pods: result.pods.map((pod) => ({
      name: pod.pod,
      kvCacheUsage: pod.kvCacheUsage ?? null,
      queueLength: pod.queueLength ?? null,
      isSaturated: pod.isSaturated ?? null,
    })),
    model: model
      ? {
          avgSpareKvCapacity: model.avgSpareKvCapacity,
          kvSpareTrigger: model.kvSpareTrigger,
          avgSpareQueueLength: model.avgSpareQueueLength,
          queueSpareTrigger: model.queueSpareTrigger,
          kvCacheThreshold: model.thresholds.kvCacheThreshold,
          queueLengthThreshold: model.thresholds.queueLengthThreshold,
          nonSaturatedReplicas: model.nonSaturatedCount,
          totalReplicas: model.totalReplicas,
          shouldScaleUp: model.shouldScaleUp,
          scaleDownSafe: model.scaleDownSafe,
        }
      : null,
    explanation,
    load:
      load === undefined
        ? null
        : {
            scale: load.scale,
            observedArrivalRate: load.observedRateRpm ?? null,
            overflowRequestsPerKv: load.requestsPerKv ?? null,
          },
    settle:
      settle === undefined || settledReplicas === undefined
        ? null
        : {
            replicas: settledReplicas,
            cycles: settle.cycles,
            status: settle.status,
            model:
              settle.analysis === undefined
                ? null
                : {
                    totalReplicas: settle.analysis.totalReplicas,
                    nonSaturatedReplicas: settle.analysis.nonSaturatedCount,
                    avgSpareKvCapacity: settle.analysis.avgSpareKvCapacity,
                    avgSpareQueueLength: settle.analysis.avgSpareQueueLength,
                    shouldScaleUp: settle.analysis.shouldScaleUp,
                    scaleDownSafe: settle.analysis.scaleDownSafe,
                  },
          },
  }
}

export function saturationVariantsByKey(run: SaturationRun): Map<string, SaturationVariantResult> {
  return new Map(run.variants.map((variant) => [`${variant.namespace}\u0000${variant.name}`, variant]))
}

/** A VA's pods as the engine saw them: largest KV fraction and queue, saturated of reporting; null without pods. */
export interface SaturationPodFigures {
  maxKvCacheUsage: number
  maxQueueLength: number
  saturatedReplicas: number
  reportingReplicas: number
}

export function saturationPodFigures(detail: SaturationDetail | null): SaturationPodFigures | null {
  const reporting = (detail?.pods ?? []).filter((pod) => pod.kvCacheUsage !== null || pod.queueLength !== null)
  if (reporting.length === 0) return null
  return {
    maxKvCacheUsage: Math.max(...reporting.map((pod) => pod.kvCacheUsage ?? 0)),
    maxQueueLength: Math.max(...reporting.map((pod) => pod.queueLength ?? 0)),
    saturatedReplicas: reporting.filter((pod) => pod.isSaturated === true).length,
    reportingReplicas: reporting.length,
  }
}
