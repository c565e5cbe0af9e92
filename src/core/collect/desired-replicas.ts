import type {PrometheusClient} from '../read/prometheus/client.js'
import {labelMatcher} from '../read/prometheus/label-value.js'
import type {IssuedQuery} from './model-metrics.js'
import {answerNotes} from '../read/prometheus/response.js'

export interface VariantRef {
  /** The VA's namespace. */
  namespace: string
  /** The VA's name (the gauges' `variant_name`). */
  variantName: string
}

export interface DesiredReplicas extends VariantRef {
  desiredReplicas: number
  /** `wva_desired_replicas` (v0.5+) or `inferno_desired_replicas` (≤ v0.4.2). */
  metricName: string
  acceleratorType?: string | undefined
}

export interface DesiredReplicasResult {
  /** Variants with a gauge value, in input order; variants without one are absent. */
  replicas: DesiredReplicas[]
  queries: IssuedQuery[]
  warnings: string[]
}

export const desiredReplicasMetricNames = ['wva_desired_replicas', 'inferno_desired_replicas'] as const

/**
 * The controller's own desired-replicas gauge for every variant in one query, under both names (renamed in v0.5.0).
 * The VA namespace is in `exported_namespace` because the controller's ServiceMonitor does not honour labels
 * (wva-controller.md §11); with honorLabels it stays in `namespace`, so we read exported_namespace, else namespace.
 * When a variant has several series (a changed accelerator_type, several controller_instance values), the wva_ name
 * wins over inferno_, then the largest value, with a warning.
 */
export async function collectDesiredReplicas(
  client: PrometheusClient,
  variants: readonly VariantRef[],
  options: {at?: Date | undefined} = {},
): Promise<DesiredReplicasResult> {
  const result: DesiredReplicasResult = {replicas: [], queries: [], warnings: []}
  if (variants.length === 0) return result
  const nameMatcher = labelMatcher('__name__', desiredReplicasMetricNames)
  const promql =
    `max by (__name__, variant_name, exported_namespace, namespace, accelerator_type) ` +
    `({${nameMatcher},${labelMatcher(
      'variant_name',
      variants.map((v) => v.variantName),
    )}})`
  result.queries.push({quantity: 'desiredReplicas', promql})
  const answer = await client.query(promql, {time: options.at})
  for (const warning of answerNotes(answer)) result.warnings.push(`desiredReplicas: ${warning}`)
  if (answer.data.kind !== 'vector') {
    result.warnings.push(`desiredReplicas: expected a vector, Prometheus returned a ${answer.data.kind}`)
    return result
  }
  const found = new Map<string, DesiredReplicas[]>()
  for (const {labels, value} of answer.data.samples) {
    const namespace = labels.exported_namespace ?? labels.namespace
    if (namespace === undefined || labels.variant_name === undefined || !Number.isFinite(value)) continue
    const key = JSON.stringify([namespace, labels.variant_name])
    const candidate: DesiredReplicas = {
      namespace,
      variantName: labels.variant_name,
      desiredReplicas: value,
      metricName: labels.__name__ ?? 'wva_desired_replicas',
      acceleratorType: labels.accelerator_type,
    }
    found.set(key, [...(found.get(key) ?? []), candidate])
  }
  const seen = new Set<string>()
  for (const variant of variants) {
    const key = JSON.stringify([variant.namespace, variant.variantName])
    if (seen.has(key)) continue
    seen.add(key)
    const candidates = found.get(key)
    if (candidates === undefined) continue
    const rank = (c: DesiredReplicas) => (c.metricName === 'wva_desired_replicas' ? 1 : 0)
    candidates.sort((a, b) => rank(b) - rank(a) || b.desiredReplicas - a.desiredReplicas)
    if (candidates.length > 1) {
      const listed = candidates
        .map((c) => `${c.metricName}{accelerator_type="${c.acceleratorType ?? ''}"}=${c.desiredReplicas}`)
        .join(', ')
      result.warnings.push(
        `desiredReplicas: ${variant.namespace}/${variant.variantName} has ${candidates.length} series ` +
          `(${listed}); using the first`,
      )
    }
    result.replicas.push(candidates[0]!)
  }
  return result
}
