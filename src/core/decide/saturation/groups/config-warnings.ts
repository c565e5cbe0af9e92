import type {ClusterState} from '../../../model/cluster-state.js'
import {selectEngine} from '../../engine-select.js'
import {resolveConfigLocation, resolveSaturationThresholds} from './config.js'
import type {SaturationOverrides} from './overrides.js'

/**
 * Shape C (saturation v0.5.1) VAs whose namespace has no saturation ConfigMap: the controller skips their models,
 * and so does our recomputation, which would otherwise show RECOMPUTED `-` with no word why. One line per cause.
 * Pure: planned from the parsed state before any metric is read.
 */
export function missingSaturationConfigWarnings(state: ClusterState, overrides: SaturationOverrides = {}): string[] {
  const {kvCacheThreshold, queueLengthThreshold, kvSpareTrigger, queueSpareTrigger} = overrides
  // A complete set of threshold what-ifs runs without the ConfigMap.
  if ([kvCacheThreshold, queueLengthThreshold, kvSpareTrigger, queueSpareTrigger].every((value) => value !== undefined))
    return []
  const location = resolveConfigLocation(state)
  const context = {
    crdShape: state.crdShape,
    controllerImageTag: state.controllerImageTag,
    env: state.sources.controllerDeployment === undefined ? undefined : location.env,
    override: overrides.engine,
  }
  const byReason = new Map<string, string[]>()
  for (const {va} of state.variants) {
    if (selectEngine(va, context).engine !== 'saturation-v0.5.1') continue
    const resolved = resolveSaturationThresholds(location, va.namespace)
    if (resolved.kind !== 'missing') continue
    byReason.set(resolved.reason, [...(byReason.get(resolved.reason) ?? []), `${va.namespace}/${va.name}`])
  }
  return [...byReason].map(([reason, names]) => {
    const vas = names.length === 1 ? `VA ${names[0]}` : `${names.length} VAs (${names.join(', ')})`
    return (
      `no saturation config: ${reason}, so the controller skips the models of ${vas} and RECOMPUTED is ` +
      'unknown; create it with a "default" entry (the WVA chart installs one), or pass --controller-namespace if ' +
      'the controller runs elsewhere'
    )
  })
}
