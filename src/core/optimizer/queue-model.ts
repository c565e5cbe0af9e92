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
 * states whose probability was computed (the fast path stops at the first state that underflows to 0). Not part of
 * upstream; reset freely.
 */
export const queueModelWork = {solves: 0, states: 0}

// Probabilities of the fast path, grown on demand and reused by every solve: a solve calls nothing that could
// re-enter it, and each worker thread has its own module instance.
let scratchP = new Float64Array(0)

/**
 * Stationary distribution and statistics of the state-dependent M/M/1/K chain of one replica; see
 * solveStateDependentQueueReference for the model. Same result, bit for bit, for every input (the tests compare
 * both on random chains); faster, which matters at N = 512 where K = 5632 and a sizing solves ~50 chains:
 * - no allocation of the probability vector (scratchP is reused);
 * - the probabilities and their running sum in one pass, with the rate of the tail (k >= N) hoisted;
 * - the normalisation and the statistics in one second pass, each term computed as the reference computes it
 *   (p[k] / sum, then k * that), accumulated in the same order;
 * - a chain whose probability underflows to +0 at some state stays +0 from there on (0 * lambda / mu = 0 when
 *   lambda > 0 and every later mu > 0), and adding +0 or k * (+0 / sum) leaves every sum unchanged, so those states
 *   are skipped.
 * A state that overflows is rescaled as the reference does (then the running sum is summed again over the
 * rescaled states). Anything else (rescaling that does not converge, an overflowing sum, K < N) is handed to the
 * reference, which starts over.
 */
export function solveStateDependentQueue(
  lambdaPerMs: number,
  servRatePerMs: Float64Array,
  occupancyLimit: number,
): QueueSolveResult {
  const limit = occupancyLimit
  const maxBatch = servRatePerMs.length
  if (limit < 2 || lambdaPerMs < 0 || limit < maxBatch) {
    return solveStateDependentQueueReference(lambdaPerMs, servRatePerMs, occupancyLimit)
  }
  if (scratchP.length < limit + 1) scratchP = new Float64Array(Math.max(limit + 1, 2 * scratchP.length))
  const p = scratchP
  p[0] = 1
  let prev = 1
  let sum = 1
  // last state whose probability may be non-zero
  let last = limit
  let k = 0
  for (; k < maxBatch; k++) {
    let next = (prev * lambdaPerMs) / servRatePerMs[k]
    if (!(next >= 0 && next <= Number.MAX_VALUE)) {
      next = rescaleBefore(p, k, lambdaPerMs, servRatePerMs[k], limit)
      if (Number.isNaN(next)) return solveStateDependentQueueReference(lambdaPerMs, servRatePerMs, occupancyLimit)
      sum = 0
      for (let j = 0; j <= k; j++) sum += p[j]
    }
    p[k + 1] = next
    sum += next
    prev = next
    if (next === 0 && lambdaPerMs > 0 && !Object.is(next, -0) && ratesPositiveFrom(servRatePerMs, k + 1)) {
      last = k
      break
    }
  }
  if (last === limit) {
    const muTail = servRatePerMs[maxBatch - 1]
    for (; k < limit; k++) {
      let next = (prev * lambdaPerMs) / muTail
      if (!(next >= 0 && next <= Number.MAX_VALUE)) {
        next = rescaleBefore(p, k, lambdaPerMs, muTail, limit)
        if (Number.isNaN(next)) return solveStateDependentQueueReference(lambdaPerMs, servRatePerMs, occupancyLimit)
        sum = 0
        for (let j = 0; j <= k; j++) sum += p[j]
      }
      p[k + 1] = next
      sum += next
      prev = next
      if (next === 0 && lambdaPerMs > 0 && !Object.is(next, -0)) {
        last = k
        break
      }
    }
  }
  // The reference tests the running sum at every state; it only grows here, so testing the end is the same.
  if (sum === Number.POSITIVE_INFINITY) {
    return solveStateDependentQueueReference(lambdaPerMs, servRatePerMs, occupancyLimit)
  }
  queueModelWork.solves++
  queueModelWork.states += last + 1

  const p0 = p[0] / sum
  let numInSystem = 0
  let numInServers = 0
  let sumP = p0
  const serversEnd = Math.min(maxBatch, last)
  let j = 1
  for (; j <= serversEnd; j++) {
    const pj = p[j] / sum
    numInSystem += j * pj
    numInServers += j * pj
    sumP += pj
  }
  for (; j <= last; j++) numInSystem += j * (p[j] / sum)
  numInServers += maxBatch * (1 - sumP)
  const pK = last === limit ? p[limit] / sum : 0
  return queueStatistics(lambdaPerMs, p0, pK, numInSystem, numInServers)
}

/**
 * The reference's overflow guard at state k + 1: divide p[0..k] by MAX_VALUE / K until p[k] * lambda / mu is a
 * finite non-negative number, and return it; NaN when MAX_RESCALES_PER_STATE rescalings do not do (the reference
 * then reports the error).
 */
function rescaleBefore(p: Float64Array, k: number, lambdaPerMs: number, mu: number, limit: number): number {
  const scale = Number.MAX_VALUE / limit
  for (let rescales = 1; rescales <= MAX_RESCALES_PER_STATE; rescales++) {
    for (let j = 0; j <= k; j++) p[j] /= scale
    const next = (p[k] * lambdaPerMs) / mu
    if (next >= 0 && next <= Number.MAX_VALUE) return next
  }
  return Number.NaN
}

// mu(n) > 0 for every index from `from` on (false for NaN).
function ratesPositiveFrom(servRatePerMs: Float64Array, from: number): boolean {
  for (let i = from; i < servRatePerMs.length; i++) if (!(servRatePerMs[i] > 0)) return false
  return true
}

// The float32 statistics of a solved chain, as upstream MM1KModel.ComputeStatistics stores them.
function queueStatistics(
  lambdaPerMs: number,
  p0: number,
  pK: number,
  numInSystem: number,
  numInServers: number,
): QueueSolveResult {
  const avgNumInSystem = f32(numInSystem)
  const avgNumInServers = f32(numInServers)
  const throughputPerMs = f32(lambdaPerMs * f32(1 - f32(pK)))
  const avgRespTimeMs = f32(avgNumInSystem / throughputPerMs)
  const avgServTimeMs = f32(avgNumInServers / throughputPerMs)
  const avgWaitTimeMs = Math.max(f32(avgRespTimeMs - avgServTimeMs), 0)
  return {
    ok: true,
    state: {
      lambdaPerMs,
      rho: f32(1 - f32(p0)),
      p0,
      pK,
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

/**
 * Stationary distribution and statistics of the state-dependent M/M/1/K chain of one replica: arrivals at
 * `lambdaPerMs` in every state below `occupancyLimit` (K = N + Q), departures at servRatePerMs[min(k, N) - 1].
 * Mirrors upstream MM1ModelStateDependent.Solve + MM1KModel.ComputeStatistics. Probabilities are float64; the
 * statistics are rounded to float32 as upstream stores them.
 *
 * Upstream validates with the utilisation of the *previous* solve (1 before the first, and unchanged by an invalid
 * solve), so a model is valid iff K >= 2 and lambda >= 0: with K = 1 the stale value 1 >= K forever. Computing that
 * directly keeps this function pure.
 *
 * The plain transcription of upstream, kept as the oracle of solveStateDependentQueue and as its fallback.
 */
export function solveStateDependentQueueReference(
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

  return queueStatistics(lambdaPerMs, p[0], p[limit], numInSystem, numInServers)
}
