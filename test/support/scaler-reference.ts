/**
 * The scaler replay written down once more, independently of src/, from docs/scalers-algorithm.md, for the cases
 * the tests replay: the HPA legacy path (no `behavior`), External metrics of type Value or AverageValue, one sync per
 * step (steps of at most 15 s are every sync of a 15 s controller; coarser steps sync once per step), and KEDA objects
 * whose minReplicaCount is at least 1 (so KEDA never scales itself; the HPA it creates does). Values are the metric
 * totals per step, already rounded to three decimals, as the replay's JSON shows them.
 */
export interface ReferenceMetric {
  readonly type: 'Value' | 'AverageValue'
  readonly target: number
  /** One value per step; null: no value (the sync fails when it is the only metric, or another would scale down). */
  readonly values: ReadonlyArray<number | null>
}

export interface ReferenceScaler {
  readonly min: number
  readonly max: number
  readonly initial: number
  readonly stepSeconds: number
  readonly metrics: readonly ReferenceMetric[]
}

const tolerance = 0.1
const stabilizationSeconds = 300

/** Replicas after each step's sync. */
export function referenceReplicas(scaler: ReferenceScaler): number[] {
  const steps = scaler.metrics[0]?.values.length ?? 0
  const syncEvery = Math.max(1, Math.round(15 / scaler.stepSeconds))
  let replicas = scaler.initial
  const recommendations: Array<{replicas: number; at: number}> = []
  const out: number[] = []
  for (let step = 0; step < steps; step++) {
    const now = step * scaler.stepSeconds
    if (step % syncEvery !== 0) {
      out.push(replicas)
      continue
    }
    if (step === 0) recommendations.push({replicas, at: now})
    if (replicas > scaler.max) replicas = scaler.max
    else if (replicas < scaler.min) replicas = scaler.min
    else {
      let proposal = -1
      let failed = 0
      for (const metric of scaler.metrics) {
        const value = metric.values[step] ?? null
        if (value === null) {
          failed++
          continue
        }
        const ratio = metric.type === 'Value' ? value / metric.target : value / (metric.target * replicas)
        const within = Math.abs(ratio - 1) <= tolerance + 1e-12
        const replicasFor = within
          ? replicas
          : metric.type === 'Value'
            ? Math.ceil(ratio * replicas - 1e-9)
            : Math.ceil(value / metric.target - 1e-9)
        proposal = Math.max(proposal, replicasFor)
      }
      const noChange = failed === scaler.metrics.length || (failed > 0 && proposal < replicas)
      if (!noChange) {
        recommendations.push({replicas: proposal, at: now})
        const stabilized = Math.max(
          ...recommendations.filter((entry) => entry.at >= now - stabilizationSeconds).map((entry) => entry.replicas),
        )
        const upLimit = Math.max(2 * replicas, 4)
        replicas = Math.max(scaler.min, Math.min(stabilized, upLimit, scaler.max))
      }
    }
    out.push(replicas)
  }
  return out
}
