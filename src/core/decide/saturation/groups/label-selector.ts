/**
 * A Deployment's `spec.selector` (metav1.LabelSelector) evaluated against pod labels, as
 * `metav1.LabelSelectorAsSelector(...).Matches` does: every `matchLabels` pair and every `matchExpressions`
 * requirement must hold. The v0.4.2 collector lists a Deployment's pods through it.
 */
import {isRecord} from '../../../model/field-problems.js'

export type LabelSelectorMatch =
  | {readonly kind: 'matches'}
  | {readonly kind: 'no-match'}
  /** No selector, or one Kubernetes would reject (unknown operator, In without values...): matches nothing. */
  | {readonly kind: 'invalid'; readonly reason: string}

/** Whether `labels` satisfy `selector`. An empty selector ({}) matches everything, a missing one nothing. */
export function matchLabelSelector(
  selector: unknown,
  labels: Readonly<Record<string, string>> | undefined,
): LabelSelectorMatch {
  if (!isRecord(selector)) return {kind: 'invalid', reason: 'no spec.selector'}
  const podLabels = labels ?? {}
  const has = (key: string): boolean => Object.hasOwn(podLabels, key)
  const matchLabels = isRecord(selector.matchLabels) ? selector.matchLabels : {}
  for (const [key, value] of Object.entries(matchLabels)) {
    if (!has(key) || podLabels[key] !== String(value)) return {kind: 'no-match'}
  }
  const expressions: unknown[] = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : []
  for (const [index, expression] of expressions.entries()) {
    if (!isRecord(expression) || typeof expression.key !== 'string') {
      return {kind: 'invalid', reason: `spec.selector.matchExpressions[${index}].key: required`}
    }
    const values: string[] = Array.isArray(expression.values) ? expression.values.map(String) : []
    const {key} = expression
    switch (expression.operator) {
      case 'In':
        if (values.length === 0)
          return {kind: 'invalid', reason: `spec.selector.matchExpressions[${index}]: In needs values`}
        if (!has(key) || !values.includes(podLabels[key]!)) return {kind: 'no-match'}
        break
      case 'NotIn':
        if (values.length === 0)
          return {kind: 'invalid', reason: `spec.selector.matchExpressions[${index}]: NotIn needs values`}
        // Kubernetes: a pod without the key satisfies NotIn.
        if (has(key) && values.includes(podLabels[key]!)) return {kind: 'no-match'}
        break
      case 'Exists':
        if (!has(key)) return {kind: 'no-match'}
        break
      case 'DoesNotExist':
        if (has(key)) return {kind: 'no-match'}
        break
      default:
        return {
          kind: 'invalid',
          reason: `spec.selector.matchExpressions[${index}].operator: unknown ${JSON.stringify(expression.operator)}`,
        }
    }
  }
  return {kind: 'matches'}
}

/** Convenience for callers that only need yes or no. */
export function isSelectedBy(selector: unknown, labels: Readonly<Record<string, string>> | undefined): boolean {
  return matchLabelSelector(selector, labels).kind === 'matches'
}
