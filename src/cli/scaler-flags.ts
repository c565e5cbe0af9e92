import {Flags} from '@oclif/core'

import {flagValueError, UsageError} from '../core/errors.js'
import {policyNames, type PolicyName} from '../core/plan/scaler-queries.js'
import type {ScalerWhatIf} from '../core/simulate/scaler-replay.js'
import {replayFlags} from './replay-flags.js'

const whatIfGroup = 'WHAT-IF'

/** `kubectl va scalers`: history (as simulate's), what-ifs and the comparison's SLOs. */
export const scalerFlags = {
  since: replayFlags.since,
  from: replayFlags.from,
  to: replayFlags.to,
  step: Flags.string({
    description: 'Replay step, a Prometheus duration (default 1m; 15s reproduces the HPA sync for sync).',
    helpGroup: 'HISTORY',
  }),
  chart: Flags.boolean({
    description: 'With --since/--from: draw a chart per scaler (default on; --no-chart for the tables only).',
    allowNo: true,
    helpGroup: 'HISTORY',
  }),
  why: Flags.string({
    description: 'With --since/--from: which steps to explain: changes (default), all, or none.',
    helpGroup: 'HISTORY',
  }),
  threshold: Flags.string({
    description:
      'What-if target of every metric (V) or of one (NAME=V); with scalingModifiers, V is the formula target. ' +
      'The what-ifs apply to the configured scaler (row what-if) and each --policy/--scaler-file row (<row>+what-if).',
    multiple: true,
    multipleNonGreedy: true,
    helpGroup: whatIfGroup,
  }),
  min: Flags.string({description: 'What-if minimum replicas (minReplicas / minReplicaCount).', helpGroup: whatIfGroup}),
  max: Flags.string({description: 'What-if maximum replicas (maxReplicas / maxReplicaCount).', helpGroup: whatIfGroup}),
  stabilization: Flags.string({
    description: 'What-if scale-down stabilization window, a duration (e.g. 0s, 5m).',
    helpGroup: whatIfGroup,
  }),
  policy: Flags.string({
    description: `Also replay a preset on the same traffic (repeatable): ${policyNames.join('|')}.`,
    multiple: true,
    multipleNonGreedy: true,
    helpGroup: whatIfGroup,
  }),
  'scaler-file': Flags.string({
    description: 'Also replay the HPAs/ScaledObjects of this file on the same target and traffic (repeatable).',
    multiple: true,
    multipleNonGreedy: true,
    helpGroup: whatIfGroup,
  }),
  'slo-ttft': Flags.string({
    description: 'TTFT SLO in ms for the comparison (minutes over it) and the slo-aware preset.',
    helpGroup: whatIfGroup,
  }),
  'slo-itl': Flags.string({
    description: 'ITL SLO in ms for the comparison (minutes over it) and the slo-aware preset.',
    helpGroup: whatIfGroup,
  }),
  accelerators: Flags.string({
    description: 'Accelerators per replica when the target does not request any (GPU-hours).',
    helpGroup: whatIfGroup,
  }),
}

export interface ScalerFlagValues {
  threshold?: string[] | undefined
  min?: string | undefined
  max?: string | undefined
  stabilization?: string | undefined
  policy?: string[] | undefined
  'scaler-file'?: string[] | undefined
  'slo-ttft'?: string | undefined
  'slo-itl'?: string | undefined
  accelerators?: string | undefined
  why?: string | undefined
}

function count(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value.trim()) || Number(value) > 2_147_483_647) {
    throw flagValueError(flag, value, 'not a replica count', `use a whole number, e.g. ${flag} 2`)
  }
  return Number(value)
}

function positive(flag: string, value: string | undefined, example: string): number | null {
  if (value === undefined) return null
  const number = Number(value)
  if (value.trim() === '' || !Number.isFinite(number) || !(number > 0)) {
    throw flagValueError(flag, value, 'not a positive number', `use e.g. ${flag} ${example}`)
  }
  return number
}

const durationUnits: Record<string, number> = {s: 1, m: 60, h: 3600}

export interface ScalerOptions {
  readonly whatIf: ScalerWhatIf
  readonly policies: PolicyName[]
  readonly scalerFiles: string[]
  readonly sloTtftMs: number | null
  readonly sloItlMs: number | null
  readonly acceleratorsPerReplica: number | null
  readonly why: 'changes' | 'all' | 'none'
  /** Some what-if or comparison flag was given (they need --since/--from). */
  readonly anyWhatIf: boolean
}

/** Validates the what-if flags once (pure). */
export function toScalerOptions(flags: ScalerFlagValues): ScalerOptions {
  const thresholds = (flags.threshold ?? []).map((text) => {
    const equals = text.indexOf('=')
    const metric = equals > 0 ? text.slice(0, equals) : null
    const raw = equals > 0 ? text.slice(equals + 1) : text
    const value = Number(raw)
    if (raw.trim() === '' || !Number.isFinite(value) || !(value > 0)) {
      throw flagValueError(
        '--threshold',
        text,
        'not a positive number',
        'use e.g. --threshold 0.8 or --threshold queue=10',
      )
    }
    return {metric, value}
  })
  let stabilizationSeconds: number | undefined
  if (flags.stabilization !== undefined) {
    const match = /^(\d+)(s|m|h)?$/.exec(flags.stabilization.trim())
    const seconds = match ? Number(match[1]) * durationUnits[match[2] ?? 's']! : Number.NaN
    if (!(seconds >= 0 && seconds <= 3600)) {
      throw flagValueError(
        '--stabilization',
        flags.stabilization,
        'not a window of 0s to 1h',
        'use e.g. --stabilization 5m',
      )
    }
    stabilizationSeconds = seconds
  }
  const min = count('--min', flags.min)
  const max = count('--max', flags.max)
  if (max !== undefined && max < 1)
    throw flagValueError('--max', flags.max ?? '', 'must be at least 1', 'use e.g. --max 8')
  if (min !== undefined && max !== undefined && min > max) {
    throw new UsageError(`--min ${min}: greater than --max ${max}`, {hint: 'pass --min at most --max'})
  }
  const policies = (flags.policy ?? []).map((policy) => {
    if (!(policyNames as readonly string[]).includes(policy)) {
      throw flagValueError('--policy', policy, 'unknown policy', `use one of ${policyNames.join(', ')}`)
    }
    return policy as PolicyName
  })
  const why = flags.why ?? 'changes'
  if (why !== 'changes' && why !== 'all' && why !== 'none') {
    throw flagValueError('--why', why, 'unknown value', 'use changes, all or none')
  }
  const whatIf: ScalerWhatIf = {
    ...(thresholds.length > 0 ? {thresholds} : {}),
    ...(min === undefined ? {} : {minReplicas: min}),
    ...(max === undefined ? {} : {maxReplicas: max}),
    ...(stabilizationSeconds === undefined ? {} : {stabilizationSeconds}),
  }
  return {
    whatIf,
    policies,
    scalerFiles: flags['scaler-file'] ?? [],
    sloTtftMs: positive('--slo-ttft', flags['slo-ttft'], '500'),
    sloItlMs: positive('--slo-itl', flags['slo-itl'], '50'),
    acceleratorsPerReplica: positive('--accelerators', flags.accelerators, '8'),
    why,
    anyWhatIf:
      Object.keys(whatIf).length > 0 ||
      policies.length > 0 ||
      (flags['scaler-file'] ?? []).length > 0 ||
      flags.why !== undefined,
  }
}

/** A scaler name: a DNS subdomain, as Kubernetes object names. */
export function checkScalerName(name: string): void {
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name) || name.length > 253) {
    throw new UsageError(`${JSON.stringify(name)}: not a valid HPA or ScaledObject name`, {
      hint: 'use lowercase letters, digits, "-" and ".", as in `kubectl get hpa`',
    })
  }
}
