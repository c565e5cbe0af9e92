import {Flags} from '@oclif/core'

import {UsageError} from '../core/errors.js'
import type {WhatIf} from '../core/inspect/what-if.js'

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
}

type WhatIfFlagValues = {[K in keyof typeof whatIfFlags]?: K extends 'scale-to-zero' ? boolean | undefined : string | undefined}

export function toWhatIf(flags: WhatIfFlagValues): WhatIf {
  return {
    arrivalRateRpm: number(flags['arrival-rate'], 'arrival-rate', {min: 0}),
    avgInputTokens: number(flags['input-tokens'], 'input-tokens', {min: 0}),
    avgOutputTokens: number(flags['output-tokens'], 'output-tokens', {min: 0}),
    loadScale: number(flags['load-scale'], 'load-scale', {min: 0}),
    sloTtftMs: number(flags['slo-ttft'], 'slo-ttft', {min: 0, integer: true}),
    sloItlMs: number(flags['slo-itl'], 'slo-itl', {min: 0, integer: true}),
    maxBatchSize: number(flags['max-batch'], 'max-batch', {min: 1, integer: true}),
    replicas: number(flags.replicas, 'replicas', {min: 0, integer: true}),
    scaleToZero: flags['scale-to-zero'],
  }
}

function number(raw: string | undefined, flag: string, rule: {min: number; integer?: boolean}): number | undefined {
  if (raw === undefined) return undefined
  const value = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(value)) throw new UsageError(`invalid value "${raw}" for --${flag}: must be a number`)
  if (rule.integer && !Number.isInteger(value)) throw new UsageError(`invalid value "${raw}" for --${flag}: must be a whole number`)
  if (value < rule.min) throw new UsageError(`invalid value "${raw}" for --${flag}: must be ${rule.min === 0 ? 'zero or more' : `at least ${rule.min}`}`)
  return value
}
