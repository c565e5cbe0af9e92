import {f32, formatGoFloat32} from './float32.js'

/** State of the chain after a solve; mirrors the golden `model` objects. */
export interface QueueModelState {
  /** arrival rate, req/ms (float32) */
  readonly lambdaPerMs: number
  /** 1 - p0: probability the replica is busy (float32); not the analyzer's batch occupancy */
  readonly rho: number
  /** probability of an empty replica (float64) */
  readonly p0: number
  /** probability of a full replica, arrivals lost (float64) */
  readonly pK: number
  /** mean number of requests in the replica */
  readonly avgNumInSystem: number
  /** mean number of requests in service, E[min(k, N)] */
  readonly avgNumInServers: number
  /** throughput after losses, req/ms */
  readonly throughputPerMs: number
  readonly avgRespTimeMs: number
  readonly avgServTimeMs: number
  readonly avgWaitTimeMs: number
  /** mean number waiting */
  readonly avgQueueLength: number
}

export type QueueSolveResult = {ok: true; state: QueueModelState} | {ok: false; error: string}

/**
 * Bound on the overflow-rescaling loop. Deviation from upstream: Go spins forever when a ratio is NaN; we stop
 * and report the model invalid. A finite ratio never needs more than a handful of rescalings.
 */
export const MAX_RESCALES_PER_STATE = 64

/**
 * Work counters for bench/optimizer (deterministic, unlike timings on a shared machine): chain solves, and chain
 * states whose probability was computed. Not part of upstream; reset freely.
 */
export const queueModelWork = {solves: 0, states: 0}

/**
 * Stationary distribution and statistics of the state-dependent M/M/1/K chain of one replica: arrivals at
 * `lambdaPerMs` in every state below `occupancyLimit` (K = N + Q), departures at servRatePerMs[min(k, N) - 1].
 * Mirrors upstream MM1ModelStateDependent.Solve + MM1KModel.ComputeStatistics. Probabilities are float64; the
 * statistics are rounded to float32 as upstream stores them.
 *
 * Upstream validates with the utilisation of the *previous* solve (1 before the first, and unchanged by an invalid
 * solve), so a model is valid iff K >= 2 and lambda >= 0: with K = 1 the stale value 1 >= K forever. Computing that
 * directly keeps this function pure.
 */
export function solveStateDependentQueue(
  lambdaPerMs: number,
  servRatePerMs: Float64Array,
  occupancyLimit: number,
): QueueSolveResult {
  const limit = occupancyLimit
  if (limit < 2 || lambdaPerMs < 0) {
    return {
      ok: false,
      error:
        `invalid model MM1ModelStateDependent: MM1KModel: isValid=false; lambda=${formatGoFloat32(lambdaPerMs)}; ` +
        `mu=1; rho=1; tput=0; K=${limit}; sumP=0; `,
    }
  }
  const maxBatch = servRatePerMs.length
  queueModelWork.solves++
  queueModelWork.states += limit + 1
  const p = new Float64Array(limit + 1)
  const scale = Number.MAX_VALUE / limit
  p[0] = 1
  for (let k = 0; k < limit; k++) {
    const mu = servRatePerMs[Math.min(k + 1, maxBatch) - 1]
    p[k + 1] = (p[k] * lambdaPerMs) / mu
    let rescales = 0
    while (p[k + 1] < 0 || !Number.isFinite(p[k + 1])) {
      if (++rescales > MAX_RESCALES_PER_STATE) return {ok: false, error: `queue model did not converge at state ${k + 1}`}
      for (let j = 0; j <= k; j++) p[j] /= scale
      p[k + 1] = (p[k] * lambdaPerMs) / mu
    }
  }
  let sum = 0
  for (let k = 0; k <= limit; k++) {
    sum += p[k]
    if (sum < 0 || sum === Number.POSITIVE_INFINITY || sum === Number.NEGATIVE_INFINITY) {
      for (let j = 0; j <= limit; j++) p[j] /= scale
      sum = 0
      for (let j = 0; j <= k; j++) sum += p[j]
    }
  }
  for (let k = 0; k <= limit; k++) p[k] /= sum

  let numInSystem = 0
  for (let k = 1; k <= limit; k++) numInSystem += k * p[k]
  let numInServers = 0
  let sumP = p[0]
  for (let k = 1; k <= maxBatch; k++) {
    numInServers += k * p[k]
    sumP += p[k]
  }
  numInServers += maxBatch * (1 - sumP)

  const avgNumInSystem = f32(numInSystem)
  const avgNumInServers = f32(numInServers)
  const throughputPerMs = f32(lambdaPerMs * f32(1 - f32(p[limit])))
  const avgRespTimeMs = f32(avgNumInSystem / throughputPerMs)
  const avgServTimeMs = f32(avgNumInServers / throughputPerMs)
  const avgWaitTimeMs = Math.max(f32(avgRespTimeMs - avgServTimeMs), 0)
  return {
    ok: true,
    state: {
      lambdaPerMs,
      rho: f32(1 - f32(p[0])),
      p0: p[0],
      pK: p[limit],
      avgNumInSystem,
      avgNumInServers,
      throughputPerMs,
      avgRespTimeMs,
      avgServTimeMs,
      avgWaitTimeMs,
      avgQueueLength: f32(throughputPerMs * avgWaitTimeMs),
    },
  }
}
