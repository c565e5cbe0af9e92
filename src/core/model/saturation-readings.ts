/**
 * How the replay turns the readings of the pods that actually ran into readings for the replicas we simulate.
 *
 * Why this is needed: the engines compare the pods that report with the variant's current replicas. v0.5.1 freezes
 * the whole model while `metrics(N) != current(M)` (saturation-algorithm.md 4.2), and v0.4.2 takes the reporting
 * pods as the base of its target (3.2). Fed as they are, readings of N real pods would freeze a simulated variant at
 * M ≠ N forever (v0.5.1) or ignore M altogether (v0.4.2), so the ±1 steps could never compound. When M = N the
 * readings go through untouched; otherwise one of two explicit assumptions maps them onto M pods:
 *
 * - `spread-load` (default): the load the N pods carried is spread over M replicas. Think of the N readings, in
 *   collector order, as N unit-wide bars; simulated pod j covers [j × N/M, (j + 1) × N/M) and its reading is the
 *   area under the bars there. With more replicas each pod gets a share of one real pod (reading × N/M); with fewer
 *   a pod carries several. The sums of KV usage and of queue lengths are conserved, so adding replicas lowers the
 *   per-pod readings, as an even load balancer would. Assumes KV usage and queue length are proportional to the
 *   requests a pod holds; a merged KV reading may exceed 1 (such a pod is saturated either way).
 * - `as-observed`: every simulated pod j takes the reading of real pod floor(j × N/M) unchanged (repeated when M > N,
 *   thinned out when M < N). The per-pod load does not react to our replicas, so while the cluster was saturated
 *   the simulation keeps scaling up by one per cycle.
 *
 * A reading missing one metric counts 0 for it, as the controller does; queue lengths stay fractional here and the
 * engine truncates them.
 */

export type ReadingsModel = 'spread-load' | 'as-observed'

export const readingsModels: readonly ReadingsModel[] = ['spread-load', 'as-observed']

/** One pod's inputs to the engine. */
export interface PodReading {
  name: string
  /** KV-cache usage fraction. */
  kvCacheUsage: number
  /** Waiting requests. */
  queueLength: number
}

/**
 * The readings of `replicas` simulated pods from the readings of the pods that reported (same order). The input
 * comes back unchanged when the counts agree; no pod for 0 replicas or no reading. Simulated pods are named
 * `<namePrefix>sim-<j>`.
 */
export function mapReadingsToReplicas(
  readings: readonly PodReading[],
  replicas: number,
  model: ReadingsModel,
  namePrefix: string,
): PodReading[] {
  const observed = readings.length
  if (replicas === observed) return [...readings]
  if (replicas <= 0 || observed === 0) return []
  const name = (index: number) => `${namePrefix}sim-${index}`
  switch (model) {
    case 'as-observed':
      return Array.from({length: replicas}, (_, index) => {
        const source = readings[Math.floor((index * observed) / replicas)]!
        return {name: name(index), kvCacheUsage: source.kvCacheUsage, queueLength: source.queueLength}
      })
    case 'spread-load':
      return Array.from({length: replicas}, (_, index) => {
        // Bounds as exact rationals' quotients: lower = index × N / M, upper = (index + 1) × N / M.
        const lower = (index * observed) / replicas
        const upper = ((index + 1) * observed) / replicas
        let kvCacheUsage = 0
        let queueLength = 0
        for (let source = Math.floor(lower); source < Math.min(Math.ceil(upper), observed); source++) {
          const overlap = Math.min(source + 1, upper) - Math.max(source, lower)
          if (overlap <= 0) continue
          kvCacheUsage += readings[source]!.kvCacheUsage * overlap
          queueLength += readings[source]!.queueLength * overlap
        }
        return {name: name(index), kvCacheUsage, queueLength}
      })
  }
}
