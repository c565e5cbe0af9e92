import type {ModelMetrics} from '../model/metrics.js'
import type {VariantAutoscaling} from '../model/variant-autoscaling.js'
import type {WhatIf} from './what-if.js'

export type LoadSource = 'flags' | 'prometheus' | 'snapshot' | 'status'

/** Load as fed to the optimizer: unrounded, the way Prometheus returns it (the optimizer formats it like the collector). */
export interface Load {
  /** req/min */
  arrivalRate: number
  avgInputTokens: number
  avgOutputTokens: number
}

export interface ResolvedLoad {
  load: Load | undefined
  /** Where each quantity came from; several sources when flags override part of the measured load. */
  sources: LoadSource[]
  /** Which quantities are missing, when load is undefined. */
  missing: string[]
}

/**
 * Per quantity, in order: what-if flags, measured metrics (Prometheus or a MetricsSnapshot), shape A's
 * status.currentAlloc.load. `--load-scale` then multiplies the arrival rate.
 */
export function resolveLoad(va: VariantAutoscaling, measured: ModelMetrics | undefined, measuredSource: 'prometheus' | 'snapshot', whatIf: WhatIf): ResolvedLoad {
  const sources = new Set<LoadSource>()
  const pick = (flag: number | undefined, fromMetrics: number | undefined, fromStatus: number | undefined): number | undefined => {
    if (flag !== undefined) {
      sources.add('flags')
      return flag
    }
    if (fromMetrics !== undefined) {
      sources.add(measuredSource)
      return fromMetrics
    }
    if (fromStatus !== undefined) {
      sources.add('status')
      return fromStatus
    }
    return undefined
  }
  const status = va.status.load
  const arrivalRate = pick(whatIf.arrivalRateRpm, measured?.arrivalRateRpm, status?.arrivalRateRpm)
  const avgInputTokens = pick(whatIf.avgInputTokens, measured?.avgInputTokens, status?.avgInputTokens)
  const avgOutputTokens = pick(whatIf.avgOutputTokens, measured?.avgOutputTokens, status?.avgOutputTokens)
  const missing = [
    arrivalRate === undefined ? 'arrival rate' : undefined,
    avgInputTokens === undefined ? 'average input tokens' : undefined,
    avgOutputTokens === undefined ? 'average output tokens' : undefined,
  ].filter((name): name is string => name !== undefined)
  if (arrivalRate === undefined || avgInputTokens === undefined || avgOutputTokens === undefined) {
    return {load: undefined, sources: [...sources], missing}
  }
  if (whatIf.loadScale !== undefined) sources.add('flags')
  return {load: {arrivalRate: arrivalRate * (whatIf.loadScale ?? 1), avgInputTokens, avgOutputTokens}, sources: [...sources], missing}
}
