import type {ModelMetrics, PodMetrics} from '../model/metrics.js'
import type {GroupLoadScaling} from '../decide/saturation/groups/load-model.js'
import {
  requestCountKey,
  runSaturationEngines,
  type SaturationOverrides,
  type SaturationRun,
} from '../decide/saturation/groups/run-groups.js'
import {settleGroup, type GroupSettle} from '../decide/saturation/groups/settle.js'
import type {ClusterState} from '../model/cluster-state.js'
import {isSaturationWhatIf, type WhatIf} from '../model/what-if.js'

export interface SaturationWhatIfOptions {
  whatIf: WhatIf
  /** Live metrics; the MetricsSnapshot models otherwise (the observed arrival rate, for --arrival-rate). */
  metrics?: readonly ModelMetrics[] | undefined
  pods?: readonly PodMetrics[] | undefined
  requestCounts?: ReadonlyMap<string, number> | undefined
  /** Report where the cycles settle; default: when a load or threshold what-if is given (isSaturationWhatIf). */
  settle?: boolean | undefined
}

/** The saturation engines' run under the what-ifs, and where their cycles settle (per group key) when asked. */
export interface SaturationWhatIfRun {
  run: SaturationRun
  /** By group key; empty unless settling. */
  settles: ReadonlyMap<string, GroupSettle>
  /** Load-model notes for groups that ran (e.g. --arrival-rate without a measured rate). */
  warnings: string[]
}

/** simulate's saturation what-ifs, as the saturation input layer takes them. */
export function saturationOverrides(whatIf: WhatIf | undefined): SaturationOverrides {
  return {
    engine: whatIf?.engine,
    kvCacheThreshold: whatIf?.kvCacheThreshold,
    queueLengthThreshold: whatIf?.queueLengthThreshold,
    kvSpareTrigger: whatIf?.kvSpareTrigger,
    queueSpareTrigger: whatIf?.queueSpareTrigger,
    scaleToZero: whatIf?.scaleToZero,
    retention: whatIf?.retention,
  }
}

/** Runs the saturation engines' VAs (engine detected per VA, or forced with --engine) under the what-ifs. */
export function runSaturationWhatIf(state: ClusterState, options: SaturationWhatIfOptions): SaturationWhatIfRun {
  const settle = options.settle ?? isSaturationWhatIf(options.whatIf)
  const scaling = settle ? loadScaling(state, options.metrics, options.whatIf) : undefined
  const run = runSaturationEngines({
    state,
    pods: options.pods ?? state.sources.metricsSnapshots.flatMap((snapshot) => snapshot.pods ?? []),
    requestCounts: options.requestCounts,
    overrides: saturationOverrides(options.whatIf),
    load: scaling?.load,
  })
  const settles = new Map<string, GroupSettle>()
  const warnings: string[] = []
  for (const group of settle ? run.groups : []) {
    const result = settleGroup(group, run.variants)
    if (result !== undefined) settles.set(group.key, result)
    const note = scaling?.notes.get(requestCountKey(group.namespace, group.modelId))
    if (note !== undefined && group.status === 'ran') warnings.push(note)
    if (result?.status === 'cycle-limit') {
      warnings.push(
        `model ${group.modelId} in ${group.namespace}: still scaling after ${result.cycles} controller cycles; ` +
          'DESIRED is where the cycles stopped, not where they settle',
      )
    }
  }
  return {run, settles, warnings}
}

/**
 * The load scale of every (namespace, model) the VAs name: --load-scale, times --arrival-rate over the observed rate.
 * A rate that cannot be turned into a scale (none observed, or 0 while asking for more) leaves --load-scale alone,
 * with a note saying so.
 */
function loadScaling(state: ClusterState, metrics: readonly ModelMetrics[] | undefined, whatIf: WhatIf) {
  const observed = new Map<string, ModelMetrics>()
  for (const model of metrics ?? state.sources.metricsSnapshots.flatMap((snapshot) => snapshot.models)) {
    observed.set(requestCountKey(model.namespace, model.modelID), model)
  }
  const load = new Map<string, GroupLoadScaling>()
  const notes = new Map<string, string>()
  const base = whatIf.loadScale ?? 1
  for (const {va} of state.variants) {
    const key = requestCountKey(va.namespace, va.modelID)
    if (load.has(key)) continue
    const rate = observed.get(key)?.arrivalRateRpm
    const wanted = whatIf.arrivalRateRpm
    let scale = base
    if (wanted === 0) scale = 0
    else if (wanted !== undefined && rate !== undefined && rate > 0) scale = (wanted / rate) * base
    else if (wanted !== undefined) {
      const stay = `they stay as observed${whatIf.loadScale === undefined ? '' : ' (times --load-scale)'}`
      const model = `model ${va.modelID} in ${va.namespace}`
      notes.set(
        key,
        rate === undefined
          ? `${model}: no measured arrival rate, so --arrival-rate cannot scale the per-pod KV-cache and queue ` +
              `readings the saturation engines decide from; ${stay}; use --load-scale`
          : `${model}: the measured arrival rate is 0, and the readings of idle pods cannot be scaled up to ` +
              `--arrival-rate ${wanted}; ${stay}; use a snapshot taken under load`,
      )
    }
    load.set(key, {scale, observedRateRpm: rate})
  }
  return {load, notes}
}
