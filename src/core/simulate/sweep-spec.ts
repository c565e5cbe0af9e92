import {UsageError} from '../errors.js'
import type {WhatIf} from '../model/what-if.js'
import {MAX_BATCH_SIZE, MAX_SWEEP_BATCH_TOTAL} from '../model/limits.js'

/** The what-if parameters a sweep can vary, with the WhatIf field each one sets and its rules. */
export const sweepParameters = {
  'arrival-rate': {field: 'arrivalRateRpm', unit: 'rpm', min: 0, integer: false},
  'input-tokens': {field: 'avgInputTokens', unit: 'tokens', min: 0, integer: false},
  'output-tokens': {field: 'avgOutputTokens', unit: 'tokens', min: 0, integer: false},
  'slo-ttft': {field: 'sloTtftMs', unit: 'ms', min: 0, integer: true},
  'slo-itl': {field: 'sloItlMs', unit: 'ms', min: 0, integer: true},
  'max-batch': {field: 'maxBatchSize', unit: 'requests', min: 1, integer: true, max: MAX_BATCH_SIZE},
  // Every engine: the queueing model multiplies the arrival rate, the saturation engines their per-pod readings.
  'load-scale': {field: 'loadScale', unit: 'x', min: 0, integer: false},
  // Saturation engines only.
  'kv-threshold': {field: 'kvCacheThreshold', unit: 'fraction', min: 0, max: 1, integer: false},
  'queue-threshold': {field: 'queueLengthThreshold', unit: 'requests', min: 0, integer: false},
  'kv-spare-trigger': {field: 'kvSpareTrigger', unit: 'fraction', min: 0, max: 1, integer: false},
  'queue-spare-trigger': {field: 'queueSpareTrigger', unit: 'requests', min: 0, integer: false},
} as const satisfies Record<string, {field: keyof WhatIf; unit: string; min: number; max?: number; integer: boolean}>

export type SweepParameter = keyof typeof sweepParameters

export const sweepParameterNames = Object.keys(sweepParameters) as SweepParameter[]

/** Most points one sweep may have: enough for a fine curve, few enough to print and to finish in seconds. */
export const MAX_SWEEP_POINTS = 1000

/** Decimals kept on each point, so that 0.1 steps print as 0.3 and not 0.30000000000000004. */
const POINT_DECIMALS = 9

export interface SweepSpec {
  readonly parameter: SweepParameter
  readonly from: number
  readonly to: number
  readonly step: number
  /** from, from + step, … up to to (included when on the grid), computed as from + i × step (no drift). */
  readonly values: readonly number[]
}

const accepted = `expected PARAM=FROM:TO:STEP with PARAM one of ${sweepParameterNames.join(', ')}`

/**
 * Parses `--sweep PARAM=FROM:TO:STEP`, e.g. `arrival-rate=100:5000:100`. FROM ≤ TO, STEP > 0, at most
 * MAX_SWEEP_POINTS points; integer parameters (SLOs, max-batch) need whole numbers.
 */
export function parseSweepSpec(text: string): SweepSpec {
  const fail = (why: string, hint?: string): never => {
    throw new UsageError(`invalid --sweep "${text}": ${why}`, {hint: hint ?? 'e.g. --sweep arrival-rate=100:5000:100'})
  }
  const match = /^\s*([a-z-]+)\s*=\s*([^:]*):([^:]*):([^:]*)\s*$/.exec(text)
  if (match === null) return fail(accepted)
  const name = match[1]!
  if (!Object.hasOwn(sweepParameters, name)) return fail(`unknown parameter "${name}"; ${accepted}`)
  const parameter = name as SweepParameter
  const rule = sweepParameters[parameter]
  const number = (raw: string, what: string): number => {
    const value = Number(raw)
    if (raw.trim() === '' || !Number.isFinite(value)) return fail(`${what} "${raw}" is not a number; ${accepted}`)
    return value
  }
  const from = number(match[2]!, 'FROM')
  const to = number(match[3]!, 'TO')
  const step = number(match[4]!, 'STEP')
  if (step <= 0) fail('STEP must be positive')
  if (from > to) fail(`FROM (${from}) is larger than TO (${to})`)
  if (from < rule.min) fail(`${parameter} must be ${rule.min === 0 ? 'zero or more' : `at least ${rule.min}`}`)
  const max = 'max' in rule ? rule.max : undefined
  if (max !== undefined && to > max) {
    if (rule.unit === 'fraction') fail(`${parameter} is a fraction between ${rule.min} and ${max} (0.8 for 80%)`)
    fail(`${parameter} must be at most ${max}`, 'see docs/limits.md')
  }
  if (rule.integer && ![from, to, step].every(Number.isInteger)) fail(`${parameter} takes whole numbers`)
  const count = Math.floor((to - from) / step + 1e-9) + 1
  if (count > MAX_SWEEP_POINTS) {
    fail(
      `${count} points, the limit is ${MAX_SWEEP_POINTS}`,
      `use a larger STEP, e.g. ${niceStep((to - from) / (MAX_SWEEP_POINTS - 1))}`,
    )
  }
  // Every max-batch point is a new sizing whose cost grows with the batch size: bound the total, not just the count.
  if (parameter === 'max-batch') {
    const total = batchTotal(from, step, count)
    if (total > MAX_SWEEP_BATCH_TOTAL) {
      let larger = niceStep(step + 1)
      const fits = (candidate: number) =>
        batchTotal(from, candidate, Math.floor((to - from) / candidate) + 1) <= MAX_SWEEP_BATCH_TOTAL
      while (!fits(larger)) larger = niceStep(larger + 1)
      const why = `its ${count} batch sizes add up to ${total}, the limit is ${MAX_SWEEP_BATCH_TOTAL} (docs/limits.md)`
      fail(why, `use a larger STEP, e.g. ${larger}, or a smaller range`)
    }
  }
  const scale = 10 ** POINT_DECIMALS
  const values = Array.from({length: count}, (_, index) => Math.round((from + index * step) * scale) / scale)
  return {parameter, from, to, step, values}
}

// from + (from + step) + … over count points.
function batchTotal(from: number, step: number, count: number): number {
  return count * from + (step * count * (count - 1)) / 2
}

// The smallest 1, 2 or 5 × 10^k at or above `step`, for hints.
function niceStep(step: number): number {
  const power = 10 ** Math.floor(Math.log10(step))
  for (const factor of [1, 2, 5, 10]) if (factor * power >= step) return factor * power
  return 10 * power
}

/** The WhatIf of one sweep point: the base with the swept field replaced. */
export function whatIfAt(spec: Pick<SweepSpec, 'parameter'>, base: WhatIf, value: number): WhatIf {
  return {...base, [sweepParameters[spec.parameter].field]: value}
}

/** A sweep and a fixed value of the same parameter contradict each other. */
export function checkSweepAgainstWhatIf(spec: Pick<SweepSpec, 'parameter'>, base: WhatIf): void {
  const field = sweepParameters[spec.parameter].field
  if (base[field] !== undefined) {
    throw new UsageError(`--sweep ${spec.parameter} and --${spec.parameter} cannot be used together`, {
      hint: `drop --${spec.parameter}`,
    })
  }
}
