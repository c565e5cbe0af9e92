import {Flags} from '@oclif/core'

import {flagValueError} from '../core/errors.js'
import type {WhatIf} from '../core/model/what-if.js'
import {MAX_FLOAT32} from '../core/read/manifests/metrics-snapshot.js'
import {MAX_BATCH_SIZE} from '../core/model/limits.js'

const group = 'WHAT-IF'

/** Flags that change the simulated inputs. Values are validated after parsing, with kubectl-style messages. */
export const whatIfFlags = {
  'arrival-rate': Flags.string({
    description: 'Arrival rate in requests per minute (replaces the measured load).',
    helpGroup: group,
  }),
  'input-tokens': Flags.string({description: 'Average input (prompt) tokens per request.', helpGroup: group}),
  'output-tokens': Flags.string({description: 'Average output (generated) tokens per request.', helpGroup: group}),
  'load-scale': Flags.string({
    description: 'Multiply the arrival rate by this factor, e.g. 2 for twice the traffic.',
    helpGroup: group,
  }),
  'slo-ttft': Flags.string({description: 'TTFT target in ms (replaces the service class value).', helpGroup: group}),
  'slo-itl': Flags.string({
    description: 'ITL (time per output token) target in ms (replaces the service class slo-tpot).',
    helpGroup: group,
  }),
  'max-batch': Flags.string({
    description: 'Maximum batch size per replica (replaces the profile maxBatchSize).',
    helpGroup: group,
  }),
  replicas: Flags.string({
    description: 'Current replicas, for VAs whose manifests give none (no Deployment, no status).',
    helpGroup: group,
  }),
  'scale-to-zero': Flags.boolean({
    description: 'Simulate with WVA_SCALE_TO_ZERO=true (minimum 0 replicas).',
    allowNo: true,
    helpGroup: group,
  }),
  'kv-threshold': Flags.string({
    description: 'Saturation engines: KV-cache fraction (0..1) at which a replica counts as saturated.',
    helpGroup: group,
  }),
  'queue-threshold': Flags.string({
    description: 'Saturation engines: waiting requests at which a replica counts as saturated.',
    helpGroup: group,
  }),
  'kv-spare-trigger': Flags.string({
    description: 'Saturation engines: scale up when the average spare KV fraction drops below this.',
    helpGroup: group,
  }),
  'queue-spare-trigger': Flags.string({
    description: 'Saturation engines: scale up when the average spare queue length drops below this.',
    helpGroup: group,
  }),
  'scale-up-threshold': Flags.string({
    description: 'WVA v0.6+ saturation V2: demand fraction (0..1] of capacity above which a model scales up.',
    helpGroup: group,
  }),
  'scale-down-boundary': Flags.string({
    description: 'WVA v0.6+ saturation V2: demand fraction (0..1] of capacity below which a model scales down.',
    helpGroup: group,
  }),
  retention: Flags.string({
    description: 'Scale-to-zero retention window (e.g. 10m): no request in it allows 0 replicas.',
    helpGroup: group,
  }),
  engine: Flags.string({
    description: 'Decision engine instead of the detected one: queueing-model|capacity|saturation.',
    helpGroup: group,
  }),
}

export type WhatIfFlagValues = {
  [K in keyof typeof whatIfFlags]?: K extends 'scale-to-zero' ? boolean | undefined : string | undefined
}

export function toWhatIf(flags: WhatIfFlagValues): WhatIf {
  return {
    arrivalRateRpm: number(flags['arrival-rate'], 'arrival-rate', {min: 0, ...float32Rule}),
    avgInputTokens: number(flags['input-tokens'], 'input-tokens', {min: 0}),
    avgOutputTokens: number(flags['output-tokens'], 'output-tokens', {min: 0}),
    loadScale: number(flags['load-scale'], 'load-scale', {min: 0, ...float32Rule}),
    sloTtftMs: number(flags['slo-ttft'], 'slo-ttft', {min: 0, integer: true}),
    sloItlMs: number(flags['slo-itl'], 'slo-itl', {min: 0, integer: true}),
    maxBatchSize: maxBatch(flags['max-batch']),
    replicas: number(flags.replicas, 'replicas', {min: 0, integer: true}),
    scaleToZero: flags['scale-to-zero'],
    kvCacheThreshold: fraction(flags['kv-threshold'], 'kv-threshold'),
    queueLengthThreshold: number(flags['queue-threshold'], 'queue-threshold', {min: 0}),
    kvSpareTrigger: fraction(flags['kv-spare-trigger'], 'kv-spare-trigger'),
    queueSpareTrigger: number(flags['queue-spare-trigger'], 'queue-spare-trigger', {min: 0}),
    scaleUpThreshold: positiveFraction(flags['scale-up-threshold'], 'scale-up-threshold'),
    scaleDownBoundary: positiveFraction(flags['scale-down-boundary'], 'scale-down-boundary'),
    retention: goDuration(flags.retention, 'retention'),
    engine: engine(flags.engine),
  }
}

function fraction(raw: string | undefined, flag: string): number | undefined {
  const value = number(raw, flag, {min: 0})
  if (value !== undefined && value > 1) {
    throw flagValueError(`--${flag}`, raw ?? '', 'must be a fraction between 0 and 1', `use e.g. --${flag} 0.8 for 80%`)
  }
  return value
}

/** A V2 threshold: above 0 and at most 1, as the controller's config validation wants it. */
function positiveFraction(raw: string | undefined, flag: string): number | undefined {
  const value = fraction(raw, flag)
  if (value === 0) {
    throw flagValueError(`--${flag}`, raw ?? '', 'must be above 0 and at most 1', `use e.g. --${flag} 0.8 for 80%`)
  }
  return value
}

function goDuration(raw: string | undefined, flag: string): string | undefined {
  if (raw === undefined) return undefined
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(raw) || /^0+(\D|$)/.test(raw)) {
    throw flagValueError(`--${flag}`, raw, 'not a positive duration', `use e.g. --${flag} 10m or 1h30m`)
  }
  return raw
}

const engines = ['queueing-model', 'capacity', 'saturation'] as const
function engine(raw: string | undefined): WhatIf['engine'] {
  if (raw === undefined) return undefined
  if (!(engines as readonly string[]).includes(raw)) {
    throw flagValueError('--engine', raw, 'unknown engine', `use one of ${engines.join(', ')}`)
  }
  return raw as WhatIf['engine']
}

interface NumberRule {
  min: number
  max?: number
  /** How the maximum is written in the message, when not as a plain number. */
  maxShown?: string
  /** The fix offered for a value above the maximum. */
  maxFix?: string
  integer?: boolean
}

// The controller holds rates as float32: beyond its range a rate is +Inf, which it reads as no load.
const float32Rule = {
  max: MAX_FLOAT32,
  maxShown: '3.4e38',
  maxFix: 'the controller computes in float32, where larger numbers are +Inf',
} as const

function number(raw: string | undefined, flag: string, rule: NumberRule): number | undefined {
  if (raw === undefined) return undefined
  const value = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(value)) {
    throw flagValueError(`--${flag}`, raw, 'must be a number', `pass a number, e.g. --${flag} ${Math.max(rule.min, 1)}`)
  }
  if (rule.integer && !Number.isInteger(value)) {
    throw flagValueError(
      `--${flag}`,
      raw,
      'must be a whole number',
      `use e.g. --${flag} ${Math.max(rule.min, Math.round(value))}`,
    )
  }
  if (value < rule.min) {
    throw flagValueError(
      `--${flag}`,
      raw,
      `must be ${rule.min === 0 ? 'zero or more' : `at least ${rule.min}`}`,
      `pass ${rule.min === 0 ? '0 or more' : `${rule.min} or more`}`,
    )
  }
  if (rule.max !== undefined && value > rule.max) {
    const shown = rule.maxShown ?? String(rule.max)
    throw flagValueError(`--${flag}`, raw, `must be at most ${shown}`, rule.maxFix ?? `pass ${shown} or less`)
  }
  return value
}

/** --max-batch: as the profile's maxBatchSize, 1 to MAX_BATCH_SIZE (docs/limits.md). */
function maxBatch(raw: string | undefined): number | undefined {
  const maxFix = `pass a whole number from 1 to ${MAX_BATCH_SIZE} (docs/limits.md)`
  return number(raw, 'max-batch', {min: 1, integer: true, max: MAX_BATCH_SIZE, maxFix})
}
