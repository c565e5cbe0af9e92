/**
 * WVA v0.6-v0.9 (saturation V2, queueing model): the load what-ifs (`--load-scale`, `--arrival-rate`) as readings.
 * The same load model as the v0.5 saturation what-ifs (decide/saturation/groups/load-model.ts), in V2's units:
 *
 * 1. Demand scales with load. At load scale s a pod that holds T tokens of its KV cache (KV usage u of a cache of C
 *    tokens) and has q waiting requests carries a token demand u·s·C and a queue demand q·s. The model's EPP
 *    scheduler queue (size and bytes) and every pod's arrival rate (what the queueing model reads) scale by s.
 * 2. A KV cache cannot exceed 1. The reading becomes min(1, u*s); the tokens that do not fit, (u*s - 1)*C, wait:
 *    they are added to the pod's queue as requests of the pod's average input length (the tokens V2 charges per waiting
 *    request at every release), so V2's token demand keeps growing with s. A pod without cache_config_info (C
 *    unknown) or without an average input length adds no queue: it is saturated by KV anyway.
 * 3. One controller cycle at the scaled readings: V2 sizes replicas from the model's total demand in one pass.
 *
 * `--arrival-rate R` sets s = R / the model's measured arrival rate (times `--load-scale`); without a measured rate
 * (or a measured 0 while asking for more) the readings stay as observed, with a note. Pure.
 */
import type {ModelMetrics, PodMetrics} from '../model/metrics.js'
import type {WhatIf} from '../model/what-if.js'

export interface WvaReadings {
  readonly pods: PodMetrics[] | undefined
  readonly models: ModelMetrics[]
}

const modelKey = (namespace: string, modelID: string) => `${namespace}\u0000${modelID}`

/** True when a load what-if is given (the only what-ifs V2 and the queueing model take). */
export function hasWvaLoadWhatIf(whatIf: WhatIf | undefined): boolean {
  return whatIf?.loadScale !== undefined || whatIf?.arrivalRateRpm !== undefined
}

/** The load scale of one model: --load-scale, times --arrival-rate over the measured rate; a note when it cannot. */
export function wvaLoadScale(
  model: ModelMetrics | undefined,
  namespace: string,
  modelID: string,
  whatIf: WhatIf,
): {scale: number; note: string | undefined} {
  const base = whatIf.loadScale ?? 1
  const wanted = whatIf.arrivalRateRpm
  if (wanted === undefined) return {scale: base, note: undefined}
  if (wanted === 0) return {scale: 0, note: undefined}
  const rate = model?.arrivalRateRpm
  if (rate !== undefined && rate > 0) return {scale: (wanted / rate) * base, note: undefined}
  const stay = `they stay as observed${whatIf.loadScale === undefined ? '' : ' (times --load-scale)'}`
  const what = `model ${modelID} in ${namespace}`
  return {
    scale: base,
    note:
      rate === undefined
        ? `${what}: no measured arrival rate, so --arrival-rate cannot scale the per-pod token and queue readings ` +
          `saturation V2 decides from; ${stay}; use --load-scale`
        : `${what}: the measured arrival rate is 0, and the readings of idle pods cannot be scaled up to ` +
          `--arrival-rate ${wanted}; ${stay}; use a snapshot taken under load`,
  }
}

/** A pod's readings at load scale `scale` (steps 1 and 2). */
export function scalePodReading(pod: PodMetrics, scale: number): PodMetrics {
  const usage = (pod.kvCacheUsage ?? 0) * scale
  const capacity =
    pod.numGpuBlocks !== undefined && pod.blockSize !== undefined ? pod.numGpuBlocks * pod.blockSize : undefined
  const perRequest = pod.avgInputTokens ?? 0
  const overflowTokens = capacity === undefined ? 0 : Math.max(0, usage - 1) * capacity
  const overflowQueue = perRequest > 0 ? overflowTokens / perRequest : 0
  const scaled: PodMetrics = {...pod}
  if (pod.kvCacheUsage !== undefined) scaled.kvCacheUsage = Math.min(1, usage)
  if (pod.queueLength !== undefined || overflowQueue > 0)
    scaled.queueLength = (pod.queueLength ?? 0) * scale + overflowQueue
  if (pod.arrivalRate !== undefined) scaled.arrivalRate = pod.arrivalRate * scale
  return scaled
}

/** The readings under the load what-ifs, each model at its own scale, and the notes of models left unscaled. */
export function scaleWvaReadings(
  readings: WvaReadings,
  whatIf: WhatIf,
  variants: readonly {namespace: string; modelID: string}[],
): {readings: WvaReadings; notes: string[]; scales: Map<string, number>} {
  const scales = new Map<string, number>()
  const notes: string[] = []
  for (const variant of variants) {
    const key = modelKey(variant.namespace, variant.modelID)
    if (scales.has(key)) continue
    const model = readings.models.find((entry) => modelKey(entry.namespace, entry.modelID) === key)
    const {scale, note} = wvaLoadScale(model, variant.namespace, variant.modelID, whatIf)
    scales.set(key, scale)
    if (note !== undefined) notes.push(note)
  }
  const scaleOf = (namespace: string, modelID: string | undefined) =>
    modelID === undefined
      ? // A pod that names no model: the scale of its namespace's only model, else the plain --load-scale.
        singleScale(scales, namespace, whatIf.loadScale ?? 1)
      : (scales.get(modelKey(namespace, modelID)) ?? whatIf.loadScale ?? 1)
  const models = readings.models.map((model) => {
    const scale = scaleOf(model.namespace, model.modelID)
    const scaled: ModelMetrics = {...model}
    if (model.arrivalRateRpm !== undefined) scaled.arrivalRateRpm = model.arrivalRateRpm * scale
    if (model.schedulerQueueSize !== undefined) scaled.schedulerQueueSize = model.schedulerQueueSize * scale
    if (model.schedulerQueueBytes !== undefined) scaled.schedulerQueueBytes = model.schedulerQueueBytes * scale
    return scaled
  })
  const pods = readings.pods?.map((pod) => scalePodReading(pod, scaleOf(pod.namespace, pod.modelID)))
  return {readings: {pods, models}, notes, scales}
}

function singleScale(scales: ReadonlyMap<string, number>, namespace: string, fallback: number): number {
  const inNamespace = [...scales].filter(([key]) => key.startsWith(`${namespace}\u0000`)).map(([, scale]) => scale)
  return inNamespace.length === 1 ? (inNamespace[0] ?? fallback) : fallback
}
