import type {ModelMetrics} from '../model/metrics.js'
import type {PrometheusClient} from '../read/prometheus/client.js'
import {collectorProfiles, type CollectorProfileName, type ModelQuantity} from '../plan/profiles.js'
import {scopeKey, scopeKeySet, scopeSelector, seriesScopeKey, uniqueScopes, type ModelScope} from '../plan/scope.js'
import {quantityField, toModelMetricsUnit} from './units.js'
import {answerNotes} from '../read/prometheus/response.js'

export interface CollectOptions {
  /** Range window in Prometheus syntax; the profile's (the controller's) window when absent. */
  window?: string | undefined
  /** Evaluation time; Prometheus' "now" when absent. */
  at?: Date | undefined
  profile?: CollectorProfileName | undefined
}

export interface IssuedQuery {
  quantity: string
  promql: string
}

export interface ModelMetricsResult {
  /** One entry per distinct scope, in input order; quantities undefined where Prometheus had no value. */
  models: ModelMetrics[]
  /** Every query sent, for --verbose and describe. */
  queries: IssuedQuery[]
  /** Prometheus warnings and oddities (infinite values, duplicate series), prefixed with the quantity. */
  warnings: string[]
}

/**
 * Load, token averages, TTFT and ITL for every (namespace, model) in scope, with one query per quantity however
 * many scopes there are: `sum by (model_name, namespace)` over a selector that matches all of them. A query error
 * fails the whole call (the controller, v0.0.3+, also skips the VA on any query error); NaN, ±Inf and absent series
 * become undefined (see profiles.ts for where the controller uses 0 instead).
 */
export async function collectModelMetrics(
  client: PrometheusClient,
  scopes: readonly ModelScope[],
  options: CollectOptions = {},
): Promise<ModelMetricsResult> {
  const profile = collectorProfiles[options.profile ?? 'kubectl-va']
  const window = options.window ?? profile.defaultWindow
  const distinct = uniqueScopes(scopes)
  const models: ModelMetrics[] = distinct.map((scope) => ({namespace: scope.namespace, modelID: scope.modelID}))
  const result: ModelMetricsResult = {models, queries: [], warnings: []}
  if (distinct.length === 0) return result

  const byKey = new Map(models.map((model) => [scopeKey(model.namespace, model.modelID), model]))
  const inScope = scopeKeySet(distinct)
  const selector = scopeSelector(distinct)
  const queries = profile.quantities.flatMap((definition) =>
    definition.kind === 'query' ? [{definition, promql: definition.promql(selector, window)}] : [],
  )
  result.queries = queries.map(({definition, promql}) => ({quantity: definition.quantity, promql}))
  const answers = await Promise.all(queries.map(({promql}) => client.query(promql, {time: options.at})))

  for (const definition of profile.quantities) {
    if (definition.kind === 'constant')
      for (const model of models) model[quantityField[definition.quantity]] = definition.value
  }
  queries.forEach(({definition}, index) => {
    if (definition.kind !== 'query') return
    const answer = answers[index]!
    for (const warning of answerNotes(answer)) result.warnings.push(`${definition.quantity}: ${warning}`)
    if (answer.data.kind !== 'vector') {
      result.warnings.push(`${definition.quantity}: expected a vector, Prometheus returned a ${answer.data.kind}`)
      return
    }
    for (const sample of answer.data.samples) {
      const key = seriesScopeKey(sample.labels)
      if (key === undefined || !inScope.has(key)) continue
      const model = byKey.get(key)!
      setQuantity(
        model,
        definition.quantity,
        toModelMetricsUnit(definition.quantity, definition.unit, sample.value),
        result.warnings,
      )
    }
  })
  return result
}

function setQuantity(model: ModelMetrics, quantity: ModelQuantity, value: number, warnings: string[]): void {
  if (Number.isNaN(value)) return
  if (!Number.isFinite(value)) {
    warnings.push(
      `${quantity}: ${model.namespace}/${model.modelID} is ${value > 0 ? '+Inf' : '-Inf'}; reported as unknown`,
    )
    return
  }
  model[quantityField[quantity]] = value
}
