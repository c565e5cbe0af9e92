import {Flags} from '@oclif/core'

import {flagValueError, KvaError, UsageError} from '../core/errors.js'
import {parsePromDurationMs} from '../core/read/prometheus/duration.js'
import {parseEvaluationTime} from '../core/read/prometheus/time.js'
import {replayGrid, type ReplayRange} from '../core/run/fetch-history.js'
import {alignRange} from '../core/collect/range.js'
import {parseSweepSpec, type SweepSpec} from '../core/simulate/sweep-spec.js'

const historyGroup = 'HISTORY'

/**
 * Replay (--since, or --from/--to, with --step) and sweep (--sweep) flags of `simulate`. -o csv is the output flag's.
 */
export const replayFlags = {
  since: Flags.string({
    description: 'Replay the last DURATION of history (e.g. 1h, 1d, 7d) from Prometheus.',
    helpGroup: historyGroup,
  }),
  from: Flags.string({
    description: 'Replay from this time: RFC 3339, Unix seconds, or relative to now (-2d).',
    helpGroup: historyGroup,
  }),
  to: Flags.string({description: 'Replay up to this time (default: now); needs --from.', helpGroup: historyGroup}),
  step: Flags.string({description: 'Replay step, a Prometheus duration (default 1m).', helpGroup: historyGroup}),
  sweep: Flags.string({
    description: 'Vary one what-if over a range: PARAM=FROM:TO:STEP, e.g. arrival-rate=100:5000:100.',
    helpGroup: 'WHAT-IF',
  }),
}

export const DEFAULT_REPLAY_STEP = '1m'

export type ReplayFlagValues = {[K in keyof typeof replayFlags]?: string | undefined}

export type ReplayOptions =
  | {readonly mode: 'instant'}
  | {readonly mode: 'replay'; readonly range: ReplayRange}
  | {readonly mode: 'sweep'; readonly sweep: SweepSpec}

/**
 * Validates the history and sweep flags once (pure: `now` comes in). --since and --from exclude each other, --to
 * and --step need a replay, --sweep excludes a replay; the range is checked as replayGrid checks it.
 */
export function toReplayOptions(flags: ReplayFlagValues, now: Date): ReplayOptions {
  const replaying = flags.since !== undefined || flags.from !== undefined
  if (flags.sweep !== undefined) {
    const used = (['since', 'from', 'to', 'step'] as const).filter((name) => flags[name] !== undefined)
    if (used.length > 0) {
      throw new UsageError(`--sweep: cannot be combined with --${used[0]}`, {
        hint: 'sweep a what-if at one instant, or replay history, not both',
      })
    }
    return {mode: 'sweep', sweep: parseSweepSpec(flags.sweep)}
  }
  if (flags.since !== undefined && flags.from !== undefined) {
    throw new UsageError('--since and --from: cannot be used together', {hint: 'use --since 1d, or --from/--to'})
  }
  if (!replaying) {
    if (flags.to !== undefined) {
      throw new UsageError('--to: needs --from', {hint: 'e.g. --from 2025-11-03T00:00:00Z --to 2025-11-04T00:00:00Z'})
    }
    if (flags.step !== undefined) {
      throw new UsageError('--step: needs --since or --from', {hint: 'e.g. --since 1d --step 5m'})
    }
    return {mode: 'instant'}
  }
  if (flags.since !== undefined && flags.to !== undefined) {
    throw new UsageError('--to: needs --from, not --since', {hint: 'use --from with --to'})
  }
  const stepMs = flagDurationMs('--step', flags.step ?? DEFAULT_REPLAY_STEP)
  if (stepMs % 1000 !== 0) {
    throw flagValueError('--step', flags.step ?? '', 'must be whole seconds', 'use e.g. --step 30s')
  }
  const end = flags.to === undefined ? new Date(now.getTime()) : flagTime('--to', flags.to, now)
  const start =
    flags.since !== undefined
      ? new Date(now.getTime() - flagDurationMs('--since', flags.since))
      : flagTime('--from', flags.from!, now)
  const range = {start, end, stepSeconds: stepMs / 1000}
  replayGrid(range)
  if (flags.since === undefined) return {mode: 'replay', range}
  // --since counts back from the clock: its steps go on multiples of the step (12:09:00, not 12:09:59.720), as
  // Grafana aligns, so that runs agree and backends that cache by step (VictoriaMetrics) answer those times.
  const aligned = alignRange(range)
  replayGrid(aligned)
  return {mode: 'replay', range: aligned}
}

/** A Prometheus duration flag, its error naming the flag. */
function flagDurationMs(flag: string, value: string): number {
  try {
    return parsePromDurationMs(value)
  } catch (error) {
    if (!(error instanceof KvaError)) throw error
    const zero = /must be positive/.test(error.message)
    throw flagValueError(
      flag,
      value,
      zero ? 'must be more than zero' : 'not a Prometheus duration',
      `use e.g. ${flag} ${flag === '--step' ? '5m' : '1d'}`,
    )
  }
}

/** A time flag (--from, --to), its error naming the flag. */
function flagTime(flag: string, value: string, now: Date): Date {
  try {
    return parseEvaluationTime(value, now)
  } catch (error) {
    if (!(error instanceof KvaError)) throw error
    throw flagValueError(
      flag,
      value,
      'not a time',
      'use RFC 3339 (2025-11-04T10:00:00Z), Unix seconds or a time relative to now (-2d)',
    )
  }
}
