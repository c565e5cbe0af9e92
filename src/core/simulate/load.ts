import {MAX_FLOAT32} from '../read/manifests/metrics-snapshot.js'
import type {ModelMetrics} from '../model/metrics.js'
import type {VariantAutoscaling} from '../model/variant-autoscaling.js'
import type {WhatIf} from '../model/what-if.js'

export type LoadSource = 'flags' | 'prometheus' | 'snapshot' | 'status'

/**
 * Load as shown: unrounded, the way Prometheus returns it (the optimizer formats it like the collector). A token
 * average is null when unknown: an idle model has none (0/0 in PromQL).
 */
export interface Load {
  /** req/min */
  arrivalRate: number
  avgInputTokens: number | null
  avgOutputTokens: number | null
}

/** The load the optimizer decides at: every quantity known (an unknown token average of an idle model is 0). */
export interface DecidableLoad {
  /** req/min */
  arrivalRate: number
  avgInputTokens: number
  avgOutputTokens: number
}

export interface ResolvedLoad {
  /** What is known, for display; undefined when the arrival rate is unknown. */
  shown: Load | undefined
  /** What to decide at; undefined when the VA cannot be decided (`missing` or `problem` says why). */
  load: DecidableLoad | undefined
  /** Where each quantity came from; several sources when flags override part of the measured load. */
  sources: LoadSource[]
  /** Which quantities are missing, when load is undefined. */
  missing: string[]
  /** Set when the known quantities cannot be used: the rate after --load-scale is beyond float32. */
  problem?: string | undefined
}

/**
 * Per quantity, in order: what-if flags, measured metrics (Prometheus or a MetricsSnapshot), shape A's
 * status.currentAlloc.load. `--load-scale` then multiplies the arrival rate.
 *
 * A known arrival rate of 0 is decided whatever the token averages are (the controller's zero load: it turns the
 * NaN token averages of an idle model into 0, and the optimizer returns its minimum replicas for a zero rate), so
 * missing token averages are then read as 0. An unknown rate (no series) is not 0: the VA is not decided.
 */
export function resolveLoad(
  va: VariantAutoscaling,
  measured: ModelMetrics | undefined,
  measuredSource: 'prometheus' | 'snapshot',
  whatIf: WhatIf,
): ResolvedLoad {
  const sources = new Set<LoadSource>()
  type Quantity = number | undefined
  const pick = (flag: Quantity, fromMetrics: Quantity, fromStatus: Quantity): Quantity => {
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
  const rate = pick(whatIf.arrivalRateRpm, measured?.arrivalRateRpm, status?.arrivalRateRpm)
  const avgInputTokens = pick(whatIf.avgInputTokens, measured?.avgInputTokens, status?.avgInputTokens)
  const avgOutputTokens = pick(whatIf.avgOutputTokens, measured?.avgOutputTokens, status?.avgOutputTokens)
  if (rate !== undefined && whatIf.loadScale !== undefined) sources.add('flags')
  const arrivalRate = rate === undefined ? undefined : rate * (whatIf.loadScale ?? 1)
  const missing = [
    arrivalRate === undefined ? 'arrival rate' : undefined,
    avgInputTokens === undefined && arrivalRate !== 0 ? 'average input tokens' : undefined,
    avgOutputTokens === undefined && arrivalRate !== 0 ? 'average output tokens' : undefined,
  ].filter((name): name is string => name !== undefined)
  const shown =
    arrivalRate === undefined
      ? undefined
      : {arrivalRate, avgInputTokens: avgInputTokens ?? null, avgOutputTokens: avgOutputTokens ?? null}
  const resolved = {shown, sources: [...sources], missing}
  if (arrivalRate === undefined) return {...resolved, load: undefined}
  const problem = scaledRateProblem(rate!, whatIf.loadScale)
  if (problem) return {...resolved, load: undefined, problem: `${problem.what}; ${problem.fix}`}
  if (missing.length > 0) return {...resolved, load: undefined}
  return {...resolved, load: {arrivalRate, avgInputTokens: avgInputTokens ?? 0, avgOutputTokens: avgOutputTokens ?? 0}}
}

/** What is wrong, and the fix. */
export interface RateProblem {
  what: string
  fix: string
}

/**
 * Why a rate times --load-scale cannot be decided, or undefined: the controller holds the rate as float32, where
 * anything beyond 3.4e38 is +Inf (which it would read as no load). Flags alone are bounded (what-if-flags.ts).
 */
export function scaledRateProblem(rateRpm: number, loadScale: number | undefined): RateProblem | undefined {
  const scaled = rateRpm * (loadScale ?? 1)
  if (Number.isFinite(scaled) && scaled <= MAX_FLOAT32) return undefined
  const beyond = "beyond float32 (the controller's type, at most 3.4e38)"
  if (loadScale === undefined) return {what: `arrival rate ${rateRpm} req/min is ${beyond}`, fix: 'pass --arrival-rate'}
  const what = `arrival rate ${rateRpm} req/min × --load-scale ${loadScale} is ${scaled}, ${beyond}`
  return {what, fix: 'pass a smaller --load-scale'}
}
