/**
 * The saturation engines' load model: per-pod KV-cache usage and queue length at another load
 * (docs/capacity-planning.md, "The saturation engines' load model"). The engines never see a request rate, only
 * these two readings per pod, so a load what-if (`--load-scale`, `--arrival-rate`, a sweep) has to be turned into
 * readings. The model, stated once:
 *
 * 1. Demand scales with load. At load scale s a pod that read KV usage u and queue q carries a KV demand u·s (in
 *    units of one pod's KV cache, may exceed 1) and a queue demand q·s. Assumes KV usage and waiting requests are
 *    proportional to the requests a pod holds, the assumption the replay already makes when it spreads load.
 * 2. A KV cache cannot exceed 1. The reading is min(1, u·s); what does not fit waits. The overflow u·s − 1 is
 *    turned into waiting requests with the model's observed requests per unit of KV: its arrival rate (req/min) over
 *    the sum of its pods' KV usage. By Little's law, with equal service times, a pod's arrival rate is proportional
 *    to the KV it holds, so a pod at demand x > 1 receives (x − 1) × that ratio more requests per minute than it
 *    serves; the queue shows one minute of that excess (the controller reads max_over_time over 1m). Without a
 *    measured rate (or with all pods idle) the overflow adds no queue: such a pod is saturated by KV anyway.
 * 3. When the engine changes the replica count, the model's load (the sum of its pods' demands) is spread evenly over
 *    all its reporting replicas (`mapReadingsToReplicas`, `spread-load`, the replay's code, on the pooled demand), as
 *    a balancing router (the llm-d EPP) would: demand is conserved, so more replicas lower every pod's readings.
 *
 * Limits: no per-variant capacity (an H100 and an L40S pod count as equal), a queue that is linear in load below
 * capacity (real queues grow faster near saturation), no prefix-cache effects, no change of token lengths.
 */
import {mapReadingsToReplicas, type PodReading} from '../../../model/saturation-readings.js'

/** Minutes of excess arrivals the queue shows: the controller's max_over_time window (1m). */
export const overflowWindowMinutes = 1

/** How the readings of one model group are changed. */
export interface GroupLoadScaling {
  /** Multiplies the observed load (1 = today's). */
  readonly scale: number
  /** The model's observed arrival rate (req/min), when known: the base of the overflow queue. */
  readonly observedRateRpm: number | undefined
}

/** The load model as applied to one group's readings. */
export interface GroupLoadApplied extends GroupLoadScaling {
  /** Requests per minute per unit of KV turning overflow into queue; undefined when not known. */
  readonly requestsPerKv: number | undefined
  /** The demands of the pods fed to the engine, in collector order, with their variant. */
  readonly demands: readonly {readonly variantName: string; readonly demand: PodDemand}[]
}

/** A pod's load before the KV cache caps it: the demand form of a PodReading. */
export interface PodDemand {
  readonly name: string
  /** KV-cache demand in units of one pod's cache; above 1 it does not fit. */
  readonly kvDemand: number
  /** Waiting requests below capacity. */
  readonly queueDemand: number
}

/** Step 1: a pod's demand at load scale `scale`. */
export function scaleDemand(reading: PodReading, scale: number): PodDemand {
  return {name: reading.name, kvDemand: reading.kvCacheUsage * scale, queueDemand: reading.queueLength * scale}
}

/**
 * Requests per minute per unit of KV usage (step 2), from the observed (unscaled) readings and arrival rate;
 * undefined when the rate is unknown or zero, or no pod holds any KV.
 */
export function overflowRequestsPerKv(
  observed: readonly PodReading[],
  observedRateRpm: number | undefined,
): number | undefined {
  const totalKv = observed.reduce((sum, reading) => sum + reading.kvCacheUsage, 0)
  if (observedRateRpm === undefined || !(observedRateRpm > 0) || !(totalKv > 0)) return undefined
  return observedRateRpm / totalKv
}

/** Step 2: the reading a pod with this demand reports: KV capped at 1, the overflow waiting. */
export function readingFromDemand(demand: PodDemand, requestsPerKv: number | undefined): PodReading {
  const overflow = Math.max(0, demand.kvDemand - 1)
  const overflowQueue = requestsPerKv === undefined ? 0 : overflow * requestsPerKv * overflowWindowMinutes
  return {
    name: demand.name,
    kvCacheUsage: Math.min(1, demand.kvDemand),
    queueLength: demand.queueDemand + overflowQueue,
  }
}

/**
 * Step 3: the group's load spread evenly over `replicas` pods named `<namePrefix>sim-<j>`: the demands are pooled
 * into one reading and handed to the replay's `spread-load` mapping, so every pod carries total / replicas.
 */
export function spreadDemands(demands: readonly PodDemand[], replicas: number, namePrefix: string): PodDemand[] {
  const pooled = {
    name: `${namePrefix}pooled`,
    kvCacheUsage: demands.reduce((sum, demand) => sum + demand.kvDemand, 0),
    queueLength: demands.reduce((sum, demand) => sum + demand.queueDemand, 0),
  }
  if (demands.length === 0) return []
  return mapReadingsToReplicas([pooled], replicas, 'spread-load', namePrefix).map((reading, index) => ({
    name: replicas === 1 ? `${namePrefix}sim-${index}` : reading.name,
    kvDemand: reading.kvCacheUsage,
    queueDemand: reading.queueLength,
  }))
}
