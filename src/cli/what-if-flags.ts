import {Flags} from '@oclif/core'

import {UsageError} from '../core/errors.js'
import type {WhatIf} from '../core/inspect/what-if.js'
import {MAX_FLOAT32} from '../core/manifest/metrics-snapshot.js'
import {MAX_BATCH_SIZE} from '../core/model/limits.js'

const group = 'WHAT-IF'

/** Flags that change the simulated inputs. Values are validated after parsing, with kubectl-style messages. */
export const whatIfFlags = {
  'arrival-rate': Flags.string({description: 'Arrival rate in requests per minute (replaces the measured load).', helpGroup: group}),
  'input-tokens': Flags.string({description: 'Average input (prompt) tokens per request.', helpGroup: group}),
  'output-tokens': Flags.string({description: 'Average output (generated) tokens per request.', helpGroup: group}),
  'load-scale': Flags.string({description: 'Multiply the arrival rate by this factor, e.g. 2 for twice the traffic.', helpGroup: group}),
  'slo-ttft': Flags.string({description: 'TTFT target in ms (replaces the service class value).', helpGroup: group}),
  'slo-itl': Flags.string({description: 'ITL (time per output token) target in ms (replaces the service class slo-tpot).', helpGroup: group}),
  'max-batch': Flags.string({description: 'Maximum batch size per replica (replaces the profile maxBatchSize).', helpGroup: group}),
  replicas: Flags.string({description: 'Current replicas, for VAs whose manifests give none (no Deployment, no status).', helpGroup: group}),
  'scale-to-zero': Flags.boolean({description: 'Simulate with WVA_SCALE_TO_ZERO=true (minimum 0 replicas).', allowNo: true, helpGroup: group}),
  'kv-threshold': Flags.string({description: 'Saturation engines: KV-cache fraction (0..1) at which a replica counts as saturated.', helpGroup: group}),
  'queue-threshold': Flags.string({description: 'Saturation engines: waiting requests at which a replica counts as saturated.', helpGroup: group}),
  'kv-spare-trigger': Flags.string({description: 'Saturation engines: scale up when the average spare KV fraction drops below this.', helpGroup: group}),
  'queue-spare-trigger': Flags.string({description: 'Saturation engines: scale up when the average spare queue length drops below this.', helpGroup: group}),
  retention: Flags.string({description: 'Scale-to-zero retention window (e.g. 10m): no request in it allows 0 replicas.', helpGroup: group}),
  engine: Flags.string({description: 'Decision engine instead of the detected one: queueing-model|capacity|saturation.', helpGroup: group}),
}

type WhatIfFlagValues = {[K in keyof typeof whatIfFlags]?: K extends 'scale-to-zero' ? boolean | undefined : string | undefined}

export function toWhatIf(flags: WhatIfFlagValues): WhatIf {
  return {
    // The controller holds the rate as float32: beyond its range the rate is +Inf, which it reads as no load.
    arrivalRateRpm: number(flags['arrival-rate'], 'arrival-rate', {min: 0, max: MAX_FLOAT32}),
    avgInputTokens: number(flags['input-tokens'], 'input-tokens', {min: 0}),
    avgOutputTokens: number(flags['output-tokens'], 'output-tokens', {min: 0}),
    loadScale: number(flags['load-scale'], 'load-scale', {min: 0, max: MAX_FLOAT32}),
    sloTtftMs: number(flags['slo-ttft'], 'slo-ttft', {min: 0, integer: true}),
    sloItlMs: number(flags['slo-itl'], 'slo-itl', {min: 0, integer: true}),
    maxBatchSize: maxBatch(flags['max-batch']),
    replicas: number(flags.replicas, 'replicas', {min: 0, integer: true}),
    scaleToZero: flags['scale-to-zero'],
    kvCacheThreshold: fraction(flags['kv-threshold'], 'kv-threshold'),
    queueLengthThreshold: number(flags['queue-threshold'], 'queue-threshold', {min: 0}),
    kvSpareTrigger: fraction(flags['kv-spare-trigger'], 'kv-spare-trigger'),
    queueSpareTrigger: number(flags['queue-spare-trigger'], 'queue-spare-trigger', {min: 0}),
    retention: goDuration(flags.retention, 'retention'),
    engine: engine(flags.engine),
  }
}

function fraction(raw: string | undefined, flag: string): number | undefined {
  const value = number(raw, flag, {min: 0})
  if (value !== undefined && value > 1) {
    const hint = `e.g. --${flag} ${examples[flag]} for ${Number(examples[flag]) * 100}%`
    throw new UsageError(`invalid value "${raw}" for --${flag}: must be a fraction between 0 and 1`, {hint})
  }
  return value
}

function goDuration(raw: string | undefined, flag: string): string | undefined {
  if (raw === undefined) return undefined
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(raw) || /^0+(\D|$)/.test(raw)) {
    const hint = `e.g. --${flag} 10m or 1h30m`
    throw new UsageError(`invalid value "${raw}" for --${flag}: expected a positive duration`, {hint})
  }
  return raw
}

const engines = ['queueing-model', 'capacity', 'saturation'] as const
function engine(raw: string | undefined): WhatIf['engine'] {
  if (raw === undefined) return undefined
  if (!(engines as readonly string[]).includes(raw)) {
    const hint = 'e.g. --engine saturation'
    throw new UsageError(`invalid value "${raw}" for --engine: expected one of ${engines.join(', ')}`, {hint})
  }
  return raw as WhatIf['engine']
}

interface NumberRule {
  min: number
  max?: number
  integer?: boolean
}

function number(raw: string | undefined, flag: string, rule: NumberRule): number | undefined {
  if (raw === undefined) return undefined
  const value = Number(raw)
  const invalid = (what: string, hint = `e.g. --${flag} ${examples[flag] ?? '1'}`) =>
    new UsageError(`invalid value "${raw}" for --${flag}: ${what}`, {hint})
  if (raw.trim() === '' || !Number.isFinite(value)) throw invalid('must be a number')
  if (rule.integer && !Number.isInteger(value)) throw invalid('must be a whole number')
  if (value < rule.min) throw invalid(`must be ${rule.min === 0 ? 'zero or more' : `at least ${rule.min}`}`)
  if (rule.max !== undefined && value > rule.max) {
    throw invalid('must be at most 3.4e38', 'the controller computes in float32, where larger numbers are +Inf')
  }
  return value
}

/** A valid value per numeric flag, for the hint of a usage error. */
const examples: Readonly<Record<string, string>> = {
  'arrival-rate': '1200',
  'input-tokens': '512',
  'output-tokens': '256',
  'load-scale': '2',
  'slo-ttft': '500',
  'slo-itl': '24',
  'max-batch': '64',
  replicas: '2',
  'kv-threshold': '0.8',
  'queue-threshold': '5',
  'kv-spare-trigger': '0.1',
  'queue-spare-trigger': '3',
}

/** --max-batch: as the profile's maxBatchSize, 1 to MAX_BATCH_SIZE (docs/limits.md). */
function maxBatch(raw: string | undefined): number | undefined {
  const hint = `pass a whole number from 1 to ${MAX_BATCH_SIZE} (docs/limits.md)`
  let value: number | undefined
  try {
    value = number(raw, 'max-batch', {min: 1, integer: true})
  } catch (error) {
    throw error instanceof UsageError && error.hint === undefined ? new UsageError(error.message, {hint}) : error
  }
  if (value !== undefined && value > MAX_BATCH_SIZE) {
    throw new UsageError(`invalid value "${raw}" for --max-batch: must be at most ${MAX_BATCH_SIZE}`, {hint})
  }
  return value
}
