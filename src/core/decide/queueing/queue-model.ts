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
 * Work counters for bench/optimizer (deterministic, unlike timings on a shared machine): chain solves, chain states
 * whose probability was computed in doubles, and subnormal tail states followed in scaled integers (states after an
 * underflow to +0 are not computed). Not part of upstream.
 */
export interface QueueModelWork {
  solves: number
  states: number
  subnormalStates: number
}

/** What solveFast found, read right after it returns true. */
interface Solved {
  p0: number
  pK: number
  numInSystem: number
  numInServers: number
}

/**
 * The scratch memory of the solves, owned by the caller: one per decision (or per decider, reused across its
 * decisions) instead of module state. `p` (the probabilities of the fast path) grows on demand and is reused by
 * every solve through this workspace: a solve calls nothing that could re-enter it. `work`, when given, counts.
 */
export interface QueueWorkspace {
  p: Float64Array
  readonly solved: Solved
  readonly work: QueueModelWork | undefined
}

export function createQueueWorkspace(work?: QueueModelWork): QueueWorkspace {
  return {p: new Float64Array(0), solved: {p0: 0, pK: 0, numInSystem: 0, numInServers: 0}, work}
}

/** A zeroed work counter. */
export function createQueueModelWork(): QueueModelWork {
  return {solves: 0, states: 0, subnormalStates: 0}
}

/**
 * Stationary distribution and statistics of the state-dependent M/M/1/K chain of one replica; see
 * solveStateDependentQueueReference for the model. Same result, bit for bit, for every input (the tests compare
 * both on random chains); faster, which matters at N = 512 where K = 5632 and a sizing solves ~35 chains:
 * - no allocation of the probability vector (the workspace's `p` is reused);
 * - the probabilities and their running sum in one pass, the normalisation and the statistics in a second one,
 *   each term computed as the reference computes it (p[k] / sum, then k * that) and accumulated in the same order;
 * - the tail of a chain whose probabilities fall below 2^-1022 is not stored: its states cannot change any sum
 *   (see followSubnormalTail), and it is followed in scaled integers to get p[K] exactly, because x86 computes on
 *   subnormal doubles through microcode (~100 ns an operation; at N = 512 about a fifth of all states are
 *   subnormal and took most of the time); a tail that underflows to +0 stays +0 and is not computed at all.
 * A state that overflows is rescaled as the reference does (then the running sum is summed again over the
 * rescaled states). Anything else (rescaling that does not converge, an overflowing sum, a subnormal tail that
 * turns normal again or sums too small to ignore it, K < N) is handed to the reference, which starts over.
 */
export function solveStateDependentQueue(
  lambdaPerMs: number,
  servRatePerMs: Float64Array,
  occupancyLimit: number,
  workspace: QueueWorkspace = createQueueWorkspace(),
): QueueSolveResult {
  if (!solveFast(lambdaPerMs, servRatePerMs, occupancyLimit, false, workspace)) {
    return solveStateDependentQueueReference(lambdaPerMs, servRatePerMs, occupancyLimit, workspace.work)
  }
  const {solved} = workspace
  return queueStatistics(lambdaPerMs, solved.p0, solved.pK, solved.numInSystem, solved.numInServers)
}

/** The two statistics sizing's searches read: mean wait and mean service time (ms, float32). */
export type QueueTimesResult = {ok: true; avgWaitTimeMs: number; avgServTimeMs: number} | {ok: false; error: string}

/**
 * avgWaitTimeMs and avgServTimeMs of solveStateDependentQueue, bit for bit, for the bisections of sizing, which
 * read nothing else. Not upstream: it may stop the chain early, once the tail (k >= N, lambda < mu(N)) has fallen
 * so low that no later state can change a sum, nor p[K] the float32 throughput (see solveFast); the exact pK
 * is then unknown, which is why this returns only the two times.
 */
export function solveStateDependentQueueTimes(
  lambdaPerMs: number,
  servRatePerMs: Float64Array,
  occupancyLimit: number,
  workspace: QueueWorkspace = createQueueWorkspace(),
): QueueTimesResult {
  const fast =
    solveFast(lambdaPerMs, servRatePerMs, occupancyLimit, true, workspace) ||
    solveFast(lambdaPerMs, servRatePerMs, occupancyLimit, false, workspace)
  if (fast) {
    const {solved} = workspace
    const throughputPerMs = queueThroughputPerMs(lambdaPerMs, solved.pK)
    const avgServTimeMs = f32(f32(solved.numInServers) / throughputPerMs)
    const avgWaitTimeMs = queueWaitTimeMs(f32(solved.numInSystem), throughputPerMs, avgServTimeMs)
    return {ok: true, avgWaitTimeMs, avgServTimeMs}
  }
  const reference = solveStateDependentQueueReference(lambdaPerMs, servRatePerMs, occupancyLimit, workspace.work)
  if (!reference.ok) return reference
  return {ok: true, avgWaitTimeMs: reference.state.avgWaitTimeMs, avgServTimeMs: reference.state.avgServTimeMs}
}

/**
 * The fast path of both solves; false when the reference must do it (invalid model, or a case above). With
 * `cutTail`, the tail is cut at the first state k > N with p[k] <= B = sum * 2^-70 / K, given sum >= 1,
 * lambda <= mu(N) * (1 - 2^-40) and both in [2^-500, 2^500]: then fl(fl(B * lambda) / mu(N)) < B (all normal),
 * so by monotony of rounding every later p stays <= B; adding one to sum changes nothing (B is far below half its
 * ulp), nor does adding j * (p / sum) <= 2^-69 to numInSystem once that is >= 2^-14 (tested); and pK <= 2^-69
 * gives the same float32 throughput as 0, which solved.pK then holds.
 */
function solveFast(
  lambdaPerMs: number,
  servRatePerMs: Float64Array,
  limit: number,
  cutTail: boolean,
  workspace: QueueWorkspace,
): boolean {
  const maxBatch = servRatePerMs.length
  if (limit < 2 || lambdaPerMs < 0 || limit < maxBatch) return false
  if (workspace.p.length < limit + 1) workspace.p = new Float64Array(Math.max(limit + 1, 2 * workspace.p.length))
  // p holds at least limit + 1 states (sized just above) and every p[j] below has 0 <= j <= limit, hence the `!`s;
  // a missing rate (no servRatePerMs at all) is NaN, as undefined was, and the fast path then gives up.
  const p = workspace.p
  const muTail = servRatePerMs[maxBatch - 1] ?? Number.NaN
  const cutFactor =
    cutTail && lambdaPerMs >= CUT_RATE_MIN && muTail <= CUT_RATE_MAX && lambdaPerMs <= muTail * CUT_LOAD_MAX
      ? CUT_BELOW_SUM / limit
      : -1
  p[0] = 1
  let prev = 1
  let sum = 1
  // States from tailFrom on are not stored: +0, subnormal (tailSubnormal; p[K] is then pLimit) or cut (tailCut).
  let tailFrom = limit + 1
  let tailSubnormal = false
  let tailCut = false
  let pLimit = 0
  // cleared when a subnormal or +0 tail could not be skipped, so that its preconditions are not tested again
  let followSubnormal = true
  let skipZeros = true
  for (let k = 0; k < limit; k++) {
    const mu = k < maxBatch ? servRatePerMs[k]! : muTail
    let next = (prev * lambdaPerMs) / mu
    if (!(next >= MIN_NORMAL && next <= Number.MAX_VALUE)) {
      if (next > 0 && next < MIN_NORMAL) {
        const scaledLimit = followSubnormal
          ? followSubnormalTail(next, k + 1, lambdaPerMs, servRatePerMs, limit, sum, workspace.work)
          : TAIL_NOT_FOLLOWED
        if (scaledLimit === TAIL_TURNS_NORMAL) return false
        if (scaledLimit !== TAIL_NOT_FOLLOWED) {
          tailFrom = k + 1
          tailSubnormal = true
          pLimit = scaledLimit * Number.MIN_VALUE
          break
        }
        followSubnormal = false
      } else if (Object.is(next, 0) && skipZeros) {
        // 0 * lambda / mu = +0 for every later state when lambda and every later mu are positive
        if (lambdaPerMs > 0 && ratesWithin(servRatePerMs, k + 1, Number.MIN_VALUE, Number.POSITIVE_INFINITY)) {
          tailFrom = k + 1
          break
        }
        skipZeros = false
      } else if (!(next >= 0 && next <= Number.MAX_VALUE)) {
        next = rescaleBefore(p, k, lambdaPerMs, mu, limit)
        if (Number.isNaN(next)) return false
        sum = 0
        for (let j = 0; j <= k; j++) sum += p[j]!
      }
    } else if (next <= sum * cutFactor && k >= maxBatch && sum >= 1) {
      tailFrom = k + 1
      tailCut = true
      break
    }
    p[k + 1] = next
    sum += next
    prev = next
  }
  // The reference tests the running sum at every state; it only grows here, so testing the end is the same.
  if (sum === Number.POSITIVE_INFINITY) return false

  const p0 = p[0]! / sum
  let numInSystem = 0
  let numInServers = 0
  let sumP = p0
  const stored = Math.min(tailFrom - 1, limit)
  const serversEnd = Math.min(maxBatch, stored)
  let j = 1
  for (; j <= serversEnd; j++) {
    const pj = p[j]! / sum
    numInSystem += j * pj
    numInServers += j * pj
    sumP += pj
  }
  for (; j <= stored; j++) numInSystem += j * (p[j]! / sum)
  if (tailSubnormal) {
    // Each skipped term j * (p[j] / sum) < K * 2^-1022 (sum >= 1) must be below half an ulp of the sums it skips.
    const negligible = limit * NEGLIGIBLE_PER_STATE
    const serversSkip = tailFrom > maxBatch || (numInServers >= negligible && sumP >= negligible)
    if (!(numInSystem >= negligible && serversSkip)) return false
  }
  if (tailCut && !(numInSystem >= CUT_MIN_NUM_IN_SYSTEM)) return false
  numInServers += maxBatch * (1 - sumP)
  const {solved, work} = workspace
  solved.p0 = p0
  solved.pK = tailFrom > limit ? p[limit]! / sum : pLimit / sum
  solved.numInSystem = numInSystem
  solved.numInServers = numInServers
  if (work !== undefined) {
    work.solves++
    work.states += stored + 1
  }
  return true
}

/** solveFast's cut: lambda and mu(N) within [2^-500, 2^500] keep B * lambda and its quotient normal. */
const CUT_RATE_MIN = 2 ** -500
const CUT_RATE_MAX = 2 ** 500
/** solveFast's cut: lambda / mu(N) at most this (rounded down), so that (lambda / mu(N)) (1 + 2^-53)^2 < 1. */
const CUT_LOAD_MAX = 1 - 2 ** -40
/** solveFast's cut: B = sum * this / K. */
const CUT_BELOW_SUM = 2 ** -70
/** solveFast's cut: a skipped term <= 2^-69 is below half an ulp of a numInSystem of at least this. */
const CUT_MIN_NUM_IN_SYSTEM = 2 ** -14

/** Smallest positive normal double, 2^-1022. */
const MIN_NORMAL = 2 ** -1022
/** 2^52: p * 2^1074 for a subnormal p is an integer below it. */
const TWO_POW_52 = 2 ** 52
/** Veltkamp's splitter for doubles, 2^27 + 1. */
const SPLITTER = 2 ** 27 + 1
/** Rates within [2^-900, 2^900] keep every product of the scaled tail finite and normal. */
const SCALED_RATE_MIN = 2 ** -900
const SCALED_RATE_MAX = 2 ** 900
/** A skipped term j * (p[j] / sum) is below K * 2^-1022; a sum of at least K * 2^-950 has half an ulp far above. */
const NEGLIGIBLE_PER_STATE = 2 ** -950
/** followSubnormalTail: the preconditions do not hold, go on in doubles. */
const TAIL_NOT_FOLLOWED = -1
/** followSubnormalTail: a later state is normal again, so the tail may not be skipped. */
const TAIL_TURNS_NORMAL = -2

/**
 * p[K] * 2^1074, given the subnormal p[from]: the chain from state `from` on, in units of 2^-1074, exactly as
 * doubles compute it. A subnormal result is the exact result rounded to a multiple of 2^-1074, ties to even: with
 * m = p * 2^1074 an integer, fl(p * lambda) * 2^1074 = rne(m * lambda), and likewise for the division by mu. The
 * double product (quotient) of the scaled values is correctly rounded to 53 bits, finer than the integer grid
 * below 2^52, so rounding it to an integer gives rne of the exact value unless it lies exactly halfway between two
 * integers; then the exact error of the product (Dekker's two-product) decides. 0 once a state underflows to +0.
 *
 * These states never change a sum: sum >= 1 so sum + p[j] = sum, and their terms are checked negligible by the
 * caller. Returns TAIL_NOT_FOLLOWED when that (sum >= 1) or the range of lambda and the rates is not given, and
 * TAIL_TURNS_NORMAL when a later state is >= 2^-1022 (possible only if some mu(n) < lambda below N).
 */
function followSubnormalTail(
  pFrom: number,
  from: number,
  lambdaPerMs: number,
  servRatePerMs: Float64Array,
  limit: number,
  sum: number,
  work: QueueModelWork | undefined,
): number {
  const maxBatch = servRatePerMs.length
  if (!(sum >= 1 && lambdaPerMs >= SCALED_RATE_MIN && lambdaPerMs <= SCALED_RATE_MAX)) return TAIL_NOT_FOLLOWED
  if (!ratesWithin(servRatePerMs, from, SCALED_RATE_MIN, SCALED_RATE_MAX)) return TAIL_NOT_FOLLOWED
  const muTail = servRatePerMs[maxBatch - 1] ?? Number.NaN
  // exact: an integer below 2^52
  let scaled = pFrom / Number.MIN_VALUE
  let k = from
  for (; k < limit && scaled !== 0; k++) {
    const mu = k < maxBatch ? servRatePerMs[k]! : muTail
    // fl(p[k] * lambda), scaled
    const product = scaled * lambdaPerMs
    let arrivals = product
    if (product < TWO_POW_52) {
      arrivals = product + TWO_POW_52 - TWO_POW_52
      const off = product - arrivals
      if (off === 0.5 || off === -0.5) {
        const error = productError(scaled, lambdaPerMs, product)
        if (error !== 0) arrivals = error > 0 ? product + 0.5 : product - 0.5
      }
    }
    // fl(that / mu), scaled
    const quotient = arrivals / mu
    const next = quotient + TWO_POW_52 - TWO_POW_52
    if (!(next < TWO_POW_52)) return TAIL_TURNS_NORMAL
    const off = quotient - next
    if (off === 0.5 || off === -0.5) {
      // sign of arrivals - quotient * mu, exactly: arrivals - high is exact (Sterbenz)
      const high = quotient * mu
      const low = productError(quotient, mu, high)
      const above = arrivals - high
      scaled = above > low ? quotient + 0.5 : above < low ? quotient - 0.5 : next
    } else {
      scaled = next
    }
  }
  if (work !== undefined) work.subnormalStates += k - from
  return scaled
}

/** a * b - product exactly, for product = fl(a * b) (Dekker); needs no overflow and no underflow in the parts. */
function productError(a: number, b: number, product: number): number {
  const aSplit = SPLITTER * a
  const aHigh = aSplit - (aSplit - a)
  const aLow = a - aHigh
  const bSplit = SPLITTER * b
  const bHigh = bSplit - (bSplit - b)
  const bLow = b - bHigh
  return aHigh * bHigh - product + aHigh * bLow + aLow * bHigh + aLow * bLow
}

/**
 * The reference's overflow guard at state k + 1: divide p[0..k] by MAX_VALUE / K until p[k] * lambda / mu is a
 * finite non-negative number, and return it; NaN when MAX_RESCALES_PER_STATE rescalings do not do (the reference
 * then reports the error).
 */
function rescaleBefore(p: Float64Array, k: number, lambdaPerMs: number, mu: number, limit: number): number {
  // the caller's p holds limit + 1 states and k < limit: p[0..k] are in range
  const scale = Number.MAX_VALUE / limit
  for (let rescales = 1; rescales <= MAX_RESCALES_PER_STATE; rescales++) {
    for (let j = 0; j <= k; j++) p[j]! /= scale
    const next = (p[k]! * lambdaPerMs) / mu
    if (next >= 0 && next <= Number.MAX_VALUE) return next
  }
  return Number.NaN
}

/** min <= mu <= max (false for NaN) for every rate the states after `state` use. */
function ratesWithin(servRatePerMs: Float64Array, state: number, min: number, max: number): boolean {
  const last = servRatePerMs.length - 1
  // i <= last: in range
  for (let i = Math.min(state, last); i <= last; i++) {
    const mu = servRatePerMs[i]!
    if (!(mu >= min && mu <= max)) return false
  }
  return true
}

// Throughput after losses, r(lambda * r(1 - r(pK))).
function queueThroughputPerMs(lambdaPerMs: number, pK: number): number {
  return f32(lambdaPerMs * f32(1 - f32(pK)))
}

// W = max(r(R - S), 0) with R = r(L / X).
function queueWaitTimeMs(avgNumInSystem: number, throughputPerMs: number, avgServTimeMs: number): number {
  return Math.max(f32(f32(avgNumInSystem / throughputPerMs) - avgServTimeMs), 0)
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
  const throughputPerMs = queueThroughputPerMs(lambdaPerMs, pK)
  const avgRespTimeMs = f32(avgNumInSystem / throughputPerMs)
  const avgServTimeMs = f32(avgNumInServers / throughputPerMs)
  const avgWaitTimeMs = queueWaitTimeMs(avgNumInSystem, throughputPerMs, avgServTimeMs)
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
  work?: QueueModelWork,
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
  if (work !== undefined) {
    work.solves++
    work.states += limit + 1
  }
  // Indices 0..limit are in range (hence the `!`s); p[k] for k <= maxBatch may not be when maxBatch > limit: NaN.
  const p = new Float64Array(limit + 1)
  const scale = Number.MAX_VALUE / limit
  p[0] = 1
  for (let k = 0; k < limit; k++) {
    const mu = servRatePerMs[Math.min(k + 1, maxBatch) - 1] ?? Number.NaN
    p[k + 1] = (p[k]! * lambdaPerMs) / mu
    let rescales = 0
    while (p[k + 1]! < 0 || !Number.isFinite(p[k + 1])) {
      if (++rescales > MAX_RESCALES_PER_STATE)
        return {ok: false, error: `queue model did not converge at state ${k + 1}`}
      for (let j = 0; j <= k; j++) p[j]! /= scale
      p[k + 1] = (p[k]! * lambdaPerMs) / mu
    }
  }
  let sum = 0
  for (let k = 0; k <= limit; k++) {
    sum += p[k]!
    if (sum < 0 || sum === Number.POSITIVE_INFINITY || sum === Number.NEGATIVE_INFINITY) {
      for (let j = 0; j <= limit; j++) p[j]! /= scale
      sum = 0
      for (let j = 0; j <= k; j++) sum += p[j]!
    }
  }
  for (let k = 0; k <= limit; k++) p[k]! /= sum

  let numInSystem = 0
  for (let k = 1; k <= limit; k++) numInSystem += k * p[k]!
  let numInServers = 0
  let sumP = p[0]!
  for (let k = 1; k <= maxBatch; k++) {
    numInServers += k * (p[k] ?? Number.NaN)
    sumP += p[k] ?? Number.NaN
  }
  numInServers += maxBatch * (1 - sumP)

  return queueStatistics(lambdaPerMs, p[0]!, p[limit]!, numInSystem, numInServers)
}
