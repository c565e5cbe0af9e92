import {labelMatcher} from '../read/prometheus/label-value.js'
import type {Labels} from '../read/prometheus/response.js'

/** A (namespace, model) pair whose vLLM series are aggregated together, as the controller does per VA. */
export interface ModelScope {
  /** The namespace label of the vLLM series: the model Deployment's namespace. */
  namespace: string
  /** `spec.modelID`, matched exactly against the served `model_name` label. */
  modelID: string
}

export function scopeKey(namespace: string, modelID: string): string {
  return JSON.stringify([namespace, modelID])
}

/** Distinct scopes, in first-seen order. */
export function uniqueScopes(scopes: readonly ModelScope[]): ModelScope[] {
  const seen = new Map<string, ModelScope>()
  for (const scope of scopes) {
    const key = scopeKey(scope.namespace, scope.modelID)
    if (!seen.has(key)) seen.set(key, {namespace: scope.namespace, modelID: scope.modelID})
  }
  return [...seen.values()]
}

/**
 * One selector for every scope: `model_name=~"a|b",namespace=~"x|y"` (or `=` for a single value). It can also match
 * pairs outside the scope (model a in namespace y); callers drop those with `isInScope`. Label order is
 * model_name, then namespace, as in WVA v0.0.3+.
 */
export function scopeSelector(scopes: readonly ModelScope[]): string {
  return `${labelMatcher(
    'model_name',
    scopes.map((s) => s.modelID),
  )},${labelMatcher(
    'namespace',
    scopes.map((s) => s.namespace),
  )}`
}

export function scopeKeySet(scopes: readonly ModelScope[]): Set<string> {
  return new Set(scopes.map((scope) => scopeKey(scope.namespace, scope.modelID)))
}

/** The scope key of a result series grouped `by (model_name, namespace)`; undefined if either label is missing. */
export function seriesScopeKey(labels: Labels): string | undefined {
  const {model_name: model, namespace} = labels
  return model === undefined || namespace === undefined ? undefined : scopeKey(namespace, model)
}

/** Grouping labels of the batched model-level queries. */
export const modelGrouping = 'model_name, namespace'

/**
 * The pod a per-pod series belongs to: in scope, with a pod name from `pod` or else `pod_name` (as upstream reads
 * it); undefined otherwise. `key` identifies the pod across queries.
 */
export function seriesPod(
  labels: Labels,
  inScope: ReadonlySet<string>,
): {key: string; namespace: string; name: string; modelID: string} | undefined {
  const scope = seriesScopeKey(labels)
  const name = labels.pod ?? labels.pod_name
  if (scope === undefined || !inScope.has(scope) || name === undefined) return undefined
  return {
    key: JSON.stringify([labels.namespace, labels.model_name, name]),
    namespace: labels.namespace!,
    name,
    modelID: labels.model_name!,
  }
}
