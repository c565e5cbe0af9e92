/**
 * Replays an HPA or a KEDA ScaledObject over sampled metric history, step by step.
 *
 * Steps are `fromMs + i × stepMs` up to `toMs`. The HPA syncs every `hpaSyncPeriodSeconds` (default 15 s) from
 * `--from`; KEDA polls every `pollingInterval` from `--from`, before the HPA sync at the same instant. At
 * `--step 15s` the replay reproduces the controllers sync for sync; a coarser step syncs (and polls) once per step, a
 * sampled approximation; a finer step carries the count over between syncs. Each step's count is the count after
 * the controllers ran at that step, starting from the recorded replicas at `--from` with no earlier recommendations
 * or events.
 */
import {UsageError} from '../../errors.js'
import {hpaStep, initialHpaState, resolveHpa, type ResolvedHpa} from '../hpa/controller.js'
import {readingError, type HpaSpec, type HpaWhy, type MetricReading} from '../hpa/types.js'
import {
  initialKedaState,
  kedaStep,
  resolveScaledObject,
  scaledObjectSync,
  type HpaControllerOptions,
  type ResolvedScaledObject,
} from './scaled-object.js'
import type {KedaPollWhy, KedaState, ScaledObjectSpec} from './types.js'

export type ScalerSpec =
  | {readonly kind: 'hpa'; readonly hpa: HpaSpec}
  | {readonly kind: 'keda'; readonly scaledObject: ScaledObjectSpec; readonly hpaController?: HpaControllerOptions}

/** Readings per metric (HPA metric name or KEDA trigger name), one per step, aligned with the step times. */
export interface ReplaySamples {
  /** The target's replicas recorded at `--from`. */
  readonly initialReplicas: number
  readonly readings: ReadonlyMap<string, readonly MetricReading[]>
  /** KEDA `status.lastActiveTime` at `--from`, if known; otherwise none (as for a never-active object). */
  readonly initialLastActiveMs?: number | null
}

export interface ReplayOptions {
  /** kube-controller-manager `--horizontal-pod-autoscaler-sync-period`, default 15 s. */
  readonly hpaSyncPeriodSeconds?: number
}

export interface ReplayStep {
  readonly timeMs: number
  readonly replicas: number
  /** The KEDA poll at this step, when one ran. */
  readonly keda: KedaPollWhy | null
  /** The HPA sync at this step, when one ran. */
  readonly hpa: HpaWhy | null
}

/** Upper bound on steps per replay (a year at 1 s), so that a bad range cannot spin. */
export const maxReplaySteps = 31_622_400

/** Step times of a replay, validated. */
export function replayStepCount(fromMs: number, toMs: number, stepMs: number): number {
  if (!(Number.isFinite(fromMs) && Number.isFinite(toMs))) throw new UsageError('replay range is not finite')
  if (!(Number.isInteger(stepMs) && stepMs > 0)) {
    throw new UsageError(`replay step ${stepMs} ms is not a positive integer`)
  }
  if (toMs < fromMs) throw new UsageError('replay range ends before it starts')
  const count = Math.floor((toMs - fromMs) / stepMs) + 1
  if (count > maxReplaySteps) throw new UsageError(`replay has ${count} steps, more than ${maxReplaySteps}`)
  return count
}

/** The readings of one step, written into `readings` (one map reused for every step: no step keeps it). */
function readingsAt(
  samples: ReplaySamples,
  index: number,
  readings = new Map<string, MetricReading>(),
): Map<string, MetricReading> {
  for (const [name, series] of samples.readings) {
    readings.set(name, series[index] ?? readingError(`no sample for ${name} at step ${index}`))
  }
  return readings
}

export function replayScaler(
  spec: ScalerSpec,
  samples: ReplaySamples,
  fromMs: number,
  toMs: number,
  stepMs: number,
  options: ReplayOptions = {},
): ReplayStep[] {
  return Array.from(iterateReplay(spec, samples, fromMs, toMs, stepMs, options))
}

/** replayScaler one step at a time: a caller that keeps only some steps' explanations keeps little memory. */
export function* iterateReplay(
  spec: ScalerSpec,
  samples: ReplaySamples,
  fromMs: number,
  toMs: number,
  stepMs: number,
  options: ReplayOptions = {},
): Generator<ReplayStep, void, undefined> {
  const count = replayStepCount(fromMs, toMs, stepMs)
  const syncPeriodMs = (options.hpaSyncPeriodSeconds ?? 15) * 1000
  if (!(syncPeriodMs > 0)) throw new UsageError('HPA sync period must be positive')
  if (!(Number.isInteger(samples.initialReplicas) && samples.initialReplicas >= 0)) {
    throw new UsageError(`recorded replicas ${samples.initialReplicas} at --from is not a non-negative integer`)
  }
  let nextSyncMs = fromMs
  const scratch = new Map<string, MetricReading>()
  if (spec.kind === 'hpa') {
    const hpa: ResolvedHpa = resolveHpa(spec.hpa)
    let state = initialHpaState(samples.initialReplicas)
    for (let index = 0; index < count; index++) {
      const timeMs = fromMs + index * stepMs
      let why: HpaWhy | null = null
      if (timeMs >= nextSyncMs) {
        const result = hpaStep(state, readingsAt(samples, index, scratch), hpa, timeMs)
        state = result.state
        why = result.why
        nextSyncMs = timeMs + syncPeriodMs
      }
      yield {timeMs, replicas: state.replicas, keda: null, hpa: why}
    }
    return
  }
  const so: ResolvedScaledObject = resolveScaledObject(spec.scaledObject, spec.hpaController)
  let state: KedaState = initialKedaState(samples.initialReplicas, samples.initialLastActiveMs ?? null)
  let nextPollMs = fromMs
  for (let index = 0; index < count; index++) {
    const timeMs = fromMs + index * stepMs
    const poll = timeMs >= nextPollMs
    const sync = timeMs >= nextSyncMs
    if (poll) nextPollMs = timeMs + so.pollingIntervalMs
    if (!sync && !poll) {
      yield {timeMs, replicas: state.hpa.replicas, keda: null, hpa: null}
      continue
    }
    const readings = readingsAt(samples, index, scratch)
    if (!sync) {
      const polled = kedaStep(state, readings, so, timeMs)
      state = polled.state
      yield {timeMs, replicas: polled.replicas, keda: polled.why, hpa: null}
      continue
    }
    nextSyncMs = timeMs + syncPeriodMs
    const result = scaledObjectSync(state, readings, so, timeMs, poll)
    state = result.state
    yield {timeMs, replicas: result.replicas, keda: result.keda, hpa: result.hpa}
  }
}
