import {Flags} from '@oclif/core'

import {flagValueError, KvaError, UsageError} from '../core/errors.js'
import type {ProfileForm} from '../core/decide/fit/profile-fit.js'
import {parsePromDurationMs} from '../core/read/prometheus/duration.js'
import {parseEvaluationTime} from '../core/read/prometheus/time.js'
import {replayGrid} from '../core/run/fetch-history.js'

const group = 'FIT'

/** The flags of `kubectl va fit` (the range flags mean what they mean for `simulate --since`). */
export const fitFlags = {
  model: Flags.string({
    description: "Fit this model ID (model_name) instead of a VariantAutoscaling's.",
    helpGroup: group,
  }),
  since: Flags.string({
    description: 'Fit the last DURATION (default 1d live; the whole capture with -f).',
    helpGroup: group,
  }),
  from: Flags.string({
    description: 'Fit from this time: RFC 3339, Unix seconds, or relative to now (-2d).',
    helpGroup: group,
  }),
  to: Flags.string({
    description: "Fit up to this time (default: now, or the capture's end); needs --from.",
    helpGroup: group,
  }),
  step: Flags.string({
    description: 'Step between fitted points, a Prometheus duration (default 1m).',
    helpGroup: group,
  }),
  window: Flags.string({description: 'Rate window of each point (default 1m).', default: '1m', helpGroup: group}),
  form: Flags.string({
    description: 'Which profile to fit: v0.5 (α, β, γ, δ; WVA up to v0.5), v0.6 (α, β, γ; v0.6+) or both.',
    default: 'both',
    helpGroup: group,
  }),
  'slo-ttft': Flags.string({
    description: "TTFT target (ms) for the decisions (default: the VA's service class).",
    helpGroup: group,
  }),
  'slo-itl': Flags.string({
    description: "ITL target (ms) for the decisions (default: the VA's service class).",
    helpGroup: group,
  }),
  'max-batch': Flags.string({
    description: "Max batch size for the decisions (default: the VA's, else 256).",
    helpGroup: group,
  }),
  chart: Flags.boolean({
    description: 'Draw the residual charts (default on; --no-chart).',
    allowNo: true,
    helpGroup: group,
  }),
  filename: Flags.string({
    char: 'f',
    description:
      'Fit offline: a capture of samples (OpenMetrics with timestamps, or promtool tsdb dump), plus optional ' +
      'manifests (.yaml/.yml/.json) with the VA and its ConfigMaps (repeatable).',
    multiple: true,
    multipleNonGreedy: true,
    helpGroup: 'INPUT',
  }),
}

export interface FitFlagValues {
  model?: string | undefined
  since?: string | undefined
  from?: string | undefined
  to?: string | undefined
  step?: string | undefined
  window?: string | undefined
  form?: string | undefined
  'slo-ttft'?: string | undefined
  'slo-itl'?: string | undefined
  'max-batch'?: string | undefined
  filename?: string[] | undefined
}

export interface FitOptions {
  forms: ProfileForm[]
  windowMs: number
  window: string
  stepSeconds: number
  /** undefined: the whole capture (offline only) */
  range: {start: Date; end: Date} | undefined
  slo: {ttftMs: number | undefined; itlMs: number | undefined}
  maxBatchSize: number | undefined
  captures: string[]
  manifests: string[]
}

function duration(flag: string, value: string): number {
  try {
    return parsePromDurationMs(value)
  } catch (error) {
    if (!(error instanceof KvaError)) throw error
    throw flagValueError(
      flag,
      value,
      'not a Prometheus duration',
      `use e.g. ${flag} ${flag === '--since' ? '1d' : '1m'}`,
    )
  }
}

function time(flag: string, value: string, now: Date): Date {
  try {
    return parseEvaluationTime(value, now)
  } catch (error) {
    if (!(error instanceof KvaError)) throw error
    throw flagValueError(flag, value, 'not a time', 'use RFC 3339 (2025-11-04T10:00:00Z), Unix seconds or -2d')
  }
}

function positive(flag: string, value: string | undefined, integer: boolean): number | undefined {
  if (value === undefined) return undefined
  const number = Number(value)
  if (value.trim() === '' || !Number.isFinite(number) || number <= 0 || (integer && !Number.isInteger(number)))
    throw flagValueError(
      flag,
      value,
      integer ? 'must be a positive integer' : 'must be a positive number',
      `pass e.g. ${flag} ${integer ? 256 : 200}`,
    )
  return number
}

/** Validates the fit flags once (pure: `now` comes in). */
export function toFitOptions(flags: FitFlagValues, now: Date): FitOptions {
  const form = flags.form ?? 'both'
  if (!['v0.5', 'v0.6', 'both'].includes(form))
    throw flagValueError('--form', form, 'unknown profile form', 'use v0.5, v0.6 or both')
  const forms: ProfileForm[] = form === 'both' ? ['v0.5', 'v0.6'] : [form as ProfileForm]
  const window = flags.window ?? '1m'
  const windowMs = duration('--window', window)
  const stepMs = duration('--step', flags.step ?? '1m')
  if (stepMs % 1000 !== 0)
    throw flagValueError('--step', flags.step ?? '', 'must be whole seconds', 'use e.g. --step 1m')
  if (flags.since !== undefined && flags.from !== undefined)
    throw new UsageError('--since and --from: cannot be used together', {hint: 'use --since 1d, or --from/--to'})
  if (flags.to !== undefined && flags.from === undefined)
    throw new UsageError('--to: needs --from', {hint: 'e.g. --from 2025-11-03T00:00:00Z --to 2025-11-04T00:00:00Z'})
  const files = flags.filename ?? []
  const manifests = files.filter((file) => /\.(ya?ml|json)$/i.test(file))
  const captures = files.filter((file) => !/\.(ya?ml|json)$/i.test(file))
  if (files.length > 0 && captures.length === 0)
    throw new UsageError('-f: no capture of samples among the files', {
      hint: 'add the capture (OpenMetrics with timestamps; any name not ending in .yaml, .yml or .json)',
    })
  if (captures.length > 1) throw new UsageError('-f: more than one capture', {hint: 'pass one capture file'})
  let range: FitOptions['range']
  if (flags.since !== undefined || flags.from !== undefined || captures.length === 0) {
    const end = flags.to !== undefined ? time('--to', flags.to, now) : now
    const start =
      flags.from !== undefined
        ? time('--from', flags.from, now)
        : new Date(end.getTime() - duration('--since', flags.since ?? '1d'))
    range = {start, end}
    replayGrid({start, end, stepSeconds: stepMs / 1000})
  }
  return {
    forms,
    window,
    windowMs,
    stepSeconds: stepMs / 1000,
    range,
    slo: {
      ttftMs: positive('--slo-ttft', flags['slo-ttft'], false),
      itlMs: positive('--slo-itl', flags['slo-itl'], false),
    },
    maxBatchSize: positive('--max-batch', flags['max-batch'], true),
    captures,
    manifests,
  }
}
