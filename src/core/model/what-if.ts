/** Overrides a user asks `simulate` to apply on top of what the manifests or the cluster say. */
export interface WhatIf {
  arrivalRateRpm?: number | undefined
  avgInputTokens?: number | undefined
  avgOutputTokens?: number | undefined
  /** Multiplies the arrival rate, whatever its source. */
  loadScale?: number | undefined
  sloTtftMs?: number | undefined
  sloItlMs?: number | undefined
  maxBatchSize?: number | undefined
  /** Current replicas for VAs whose sources give none (no Deployment, no status). */
  replicas?: number | undefined
  scaleToZero?: boolean | undefined
  /** Saturation engines: a replica at or above this KV-cache fraction (0..1) is saturated. */
  kvCacheThreshold?: number | undefined
  /** Saturation engines: a replica with at least this many waiting requests is saturated. */
  queueLengthThreshold?: number | undefined
  /** Saturation engines: scale up when the average spare KV fraction drops below this. */
  kvSpareTrigger?: number | undefined
  /** Saturation engines: scale up when the average spare queue length drops below this. */
  queueSpareTrigger?: number | undefined
  /** WVA v0.6-v0.9 saturation V2: scale up when a model's demand exceeds this fraction of its capacity. */
  scaleUpThreshold?: number | undefined
  /** WVA v0.6-v0.9 saturation V2: scale down only while demand stays below this fraction of the reduced capacity. */
  scaleDownBoundary?: number | undefined
  /** Scale-to-zero retention window (Go duration, e.g. 10m). */
  retention?: string | undefined
  /** Force the decision engine instead of detecting it. */
  engine?: 'queueing-model' | 'capacity' | 'saturation' | undefined
}

export const noWhatIf: WhatIf = {}

/** What-ifs that change the saturation engines' inputs: with one of them, simulate reports where the cycles settle. */
export function isSaturationWhatIf(whatIf: WhatIf): boolean {
  const {loadScale, arrivalRateRpm, kvCacheThreshold, queueLengthThreshold, kvSpareTrigger, queueSpareTrigger} = whatIf
  return [loadScale, arrivalRateRpm, kvCacheThreshold, queueLengthThreshold, kvSpareTrigger, queueSpareTrigger].some(
    (value) => value !== undefined,
  )
}

/** Flags that only the queueing model reads, and those only the saturation engines read (`--flag`, WhatIf field). */
const queueingOnlyFlags = [
  ['--slo-ttft', 'sloTtftMs'],
  ['--slo-itl', 'sloItlMs'],
  ['--max-batch', 'maxBatchSize'],
  ['--input-tokens', 'avgInputTokens'],
  ['--output-tokens', 'avgOutputTokens'],
] as const satisfies readonly (readonly [string, keyof WhatIf])[]
const saturationOnlyFlags = [
  ['--kv-threshold', 'kvCacheThreshold'],
  ['--queue-threshold', 'queueLengthThreshold'],
  ['--kv-spare-trigger', 'kvSpareTrigger'],
  ['--queue-spare-trigger', 'queueSpareTrigger'],
  ['--retention', 'retention'],
] as const satisfies readonly (readonly [string, keyof WhatIf])[]

/** Flags that only WVA v0.6+ saturation V2 reads (decided by simulateWvaInstallation, not these warnings). */
const v2OnlyFlags = [
  ['--scale-up-threshold', 'scaleUpThreshold'],
  ['--scale-down-boundary', 'scaleDownBoundary'],
] as const satisfies readonly (readonly [string, keyof WhatIf])[]

/** The flags that do change a saturation engine's decision, for warnings. */
export const saturationWhatIfFlags = [
  '--load-scale',
  '--arrival-rate',
  ...saturationOnlyFlags.map(([flag]) => flag),
  '--scale-to-zero',
] as const

/**
 * One warning per engine family for the what-if flags given that cannot change its VAs' decisions, naming the flags
 * that can. `names` lists the VAs of each family in the output.
 */
export function inapplicableWhatIfWarnings(
  whatIf: WhatIf,
  names: {queueing: readonly string[]; saturation: readonly string[]; beforeV2?: readonly string[] | undefined},
): string[] {
  const given = (flags: readonly (readonly [string, keyof WhatIf])[]) =>
    flags.filter(([, field]) => whatIf[field] !== undefined).map(([flag]) => flag)
  const verb = (flags: readonly string[]) => `${flags.join(', ')} ${flags.length === 1 ? 'does' : 'do'} not apply to`
  const warnings: string[] = []
  const forV2 = given(v2OnlyFlags)
  const older = names.beforeV2 ?? [...names.saturation, ...names.queueing]
  if (forV2.length > 0 && older.length > 0) {
    warnings.push(
      `${verb(forV2)} ${list(older)}: only WVA v0.6+ saturation V2 has these thresholds; ` +
        `use ${saturationWhatIfFlags.join(', ')} for the saturation engines`,
    )
  }
  const forSaturation = given(queueingOnlyFlags)
  if (forSaturation.length > 0 && names.saturation.length > 0) {
    warnings.push(
      `${verb(forSaturation)} ${list(names.saturation)}: the saturation engines decide from per-pod KV-cache and ` +
        `queue readings, not SLOs, batch size or tokens; use ${saturationWhatIfFlags.join(', ')}`,
    )
  }
  const forQueueing = given(saturationOnlyFlags)
  if (forQueueing.length > 0 && names.queueing.length > 0) {
    warnings.push(
      `${verb(forQueueing)} ${list(names.queueing)}: the queueing model sizes replicas from load and SLOs; ` +
        'use --load-scale, --arrival-rate, --input-tokens, --output-tokens, --slo-ttft, --slo-itl, --max-batch',
    )
  }
  return warnings
}

/** inapplicableWhatIfWarnings for the VAs of these items (simulate's output, after any name filter). */
export function whatIfWarningsFor(whatIf: WhatIf, items: readonly {name: string; engine: string}[]): string[] {
  const names = (saturated: boolean) =>
    items.filter((item) => (item.engine !== 'queueing-model') === saturated).map((item) => item.name)
  const beforeV2 = items
    .filter((item) => item.engine !== 'saturation-v2' && item.engine !== 'queueing-v2')
    .map((item) => item.name)
  return inapplicableWhatIfWarnings(whatIf, {queueing: names(false), saturation: names(true), beforeV2})
}

function list(names: readonly string[]): string {
  const shown = names.slice(0, 3).join(', ')
  return `${names.length === 1 ? 'VA' : 'VAs'} ${shown}${names.length > 3 ? ` and ${names.length - 3} more` : ''}`
}
