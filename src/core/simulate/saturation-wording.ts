/**
 * The saturation engines' explanations in words, from the facts decide/ returns (the typed skip, the identity, the
 * group and variant facts): which trigger fired, why nothing moved, which guard blocked it, why there is no target.
 * Numbers go through Go's `%.Nf` (`formatGoFixed`) with enough decimals to tell a value from its bound.
 */
import {acceleratorLabel} from '../model/variant-autoscaling.js'
import {formatGoFixed} from '../decide/queueing/go-format.js'
import {defaultVariantCost} from '../decide/saturation/scale-to-zero.js'
import type {ScaledVariant} from '../decide/saturation/types.js'
import type {GroupLoadApplied} from '../decide/saturation/groups/load-model.js'
import type {GroupSettle} from '../decide/saturation/groups/settle.js'
import type {GroupFacts, VariantFacts} from '../decide/saturation/groups/decision-facts.js'
import {
  computedTarget,
  decisionOf,
  skipOf,
  type SaturationSkip,
  type SaturationVariantResult,
} from '../decide/saturation/groups/variant-result.js'

/** Most decimals used to separate a value from its bound. */
const maxDecimals = 6

/** `value` and `bound` with `decimals` decimals, or more when they would print alike. */
export function formatAgainst(value: number, bound: number, decimals: number): [string, string] {
  for (let places = decimals; ; places++) {
    const pair: [string, string] = [formatGoFixed(value, places), formatGoFixed(bound, places)]
    if (pair[0] !== pair[1] || value === bound || places >= maxDecimals) return pair
  }
}

/** "average spare KV 0.04 < trigger 0.10" (KV with 2 decimals, queue with 1). */
function compare(
  label: string,
  value: number,
  operator: '<' | '>=',
  bound: number,
  decimals: number,
  boundLabel = '',
): string {
  const [left, right] = formatAgainst(value, bound, decimals)
  return `${label} ${left} ${operator === '>=' ? '≥' : '<'} ${boundLabel}${right}`
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

function scaleUpTriggers(facts: GroupFacts): string {
  const {analysis} = facts.detail
  const parts: string[] = []
  if (facts.detail.scaleUpCheck?.kvSpareTriggered)
    parts.push(
      compare('average spare KV', analysis.avgSpareKvCapacity, '<', facts.thresholds.kvSpareTrigger, 2, 'trigger '),
    )
  if (facts.detail.scaleUpCheck?.queueSpareTriggered)
    parts.push(
      compare(
        'average spare queue',
        analysis.avgSpareQueueLength,
        '<',
        facts.thresholds.queueSpareTrigger,
        1,
        'trigger ',
      ),
    )
  const saturated = analysis.totalReplicas - analysis.nonSaturatedCount
  const tail = saturated > 0 ? `, ${saturated}/${analysis.totalReplicas} replicas saturated` : ''
  return parts.join(' and ') + tail
}

function noScaleUp(facts: GroupFacts): string {
  const {analysis} = facts.detail
  return (
    `no scale-up: ` +
    `${compare('average spare KV', analysis.avgSpareKvCapacity, '>=', facts.thresholds.kvSpareTrigger, 2)} and ` +
    `${compare('spare queue', analysis.avgSpareQueueLength, '>=', facts.thresholds.queueSpareTrigger, 1)}`
  )
}

function scaleDownSentence(facts: GroupFacts): string | undefined {
  const check = facts.detail.scaleDownCheck
  switch (check.kind) {
    case 'too-few-non-saturated':
      return `no scale-down: ${plural(check.nonSaturatedCount, 'replica')} not saturated, it takes 2`
    case 'simulated': {
      const kv = compare(
        'spare KV',
        check.remainingSpareKv,
        check.remainingSpareKv >= facts.thresholds.kvSpareTrigger ? '>=' : '<',
        facts.thresholds.kvSpareTrigger,
        2,
      )
      const queue = compare(
        'spare queue',
        check.remainingSpareQueue,
        check.remainingSpareQueue >= facts.thresholds.queueSpareTrigger ? '>=' : '<',
        facts.thresholds.queueSpareTrigger,
        1,
      )
      if (check.isSafe) return undefined
      const failing = [
        ...(check.remainingSpareKv >= facts.thresholds.kvSpareTrigger ? [] : [kv]),
        ...(check.remainingSpareQueue >= facts.thresholds.queueSpareTrigger ? [] : [queue]),
      ]
      return `no scale-down: removing one replica would leave ${failing.join(' and ')}`
    }
  }
}

function scaleDownSafeText(facts: GroupFacts): string {
  const check = facts.detail.scaleDownCheck
  if (check.kind !== 'simulated') return ''
  return (
    `removing one replica leaves ` +
    `${compare('spare KV', check.remainingSpareKv, '>=', facts.thresholds.kvSpareTrigger, 2)} and ` +
    `${compare('spare queue', check.remainingSpareQueue, '>=', facts.thresholds.queueSpareTrigger, 1)}`
  )
}

function enforcementSentence(facts: GroupFacts, variant: VariantFacts): string | undefined {
  const enforcement = facts.enforcement
  const retention = facts.scaleToZeroPolicy?.retention.promqlRange
  if (enforcement === undefined) return undefined
  switch (enforcement.outcome.kind) {
    case 'scaled-to-zero':
      return (
        `scale to zero: ${formatGoFixed(enforcement.outcome.requests, 0)} requests for ${facts.modelId} in the ` +
        `last ${retention}`
      )
    case 'kept-recent-requests':
      return (
        `scale-to-zero is enabled but ${formatGoFixed(enforcement.outcome.requests, 0)} requests arrived in ` +
        `the last ${retention}`
      )
    case 'kept-request-count-unknown':
      return (
        `scale-to-zero is enabled but the request count over the last ${retention} is unknown ` +
        `(${enforcement.outcome.message}); targets kept`
      )
    case 'minimum-preserved':
      return enforcement.outcome.variantName === variant.name
        ? `raised to 1: scale-to-zero is disabled, so the model keeps one replica on its cheapest variant`
        : undefined
    case 'kept-has-replicas':
    case 'kept-no-targets':
      return undefined
  }
}

function describeOtherScale(variant: VariantFacts, scaled: ScaledVariant, costOf: (name: string) => number): string {
  const otherCost = costOf(scaled.variant)
  const costs = `cost ${formatGoFixed(otherCost, 2)} vs ${formatGoFixed(variant.cost, 2)} here`
  if (scaled.action === 'scale-up') {
    const target =
      otherCost === variant.cost
        ? `${scaled.variant} (same cost, smaller name)`
        : `cheaper ${scaled.variant} (${costs})`
    return `no change: the scale-up goes to ${target}`
  }
  if (variant.reportingPods <= 1)
    return `no change: the scale-down goes to ${scaled.variant}; a variant at 1 replica is never scaled down`
  const target =
    otherCost === variant.cost
      ? `${scaled.variant} (same cost, larger name)`
      : `more expensive ${scaled.variant} (${costs})`
  return `no change: the scale-down goes to ${target}`
}

/** The sentences for a VA the engine decided on. */
function explainDecision(facts: GroupFacts, variant: VariantFacts, costOf: (name: string) => number): string[] {
  const sentences: string[] = []
  const {state} = variant
  const {analysis} = facts.detail
  const scaled = facts.scaledVariant
  const pending = state.pendingReplicas ?? 0
  if (facts.engine === 'saturation-v0.5.1' && facts.transitionReasons.length > 0) {
    sentences.push(
      `blocked: model ${facts.modelId} is in transition (${facts.transitionReasons.join('; ')}), so every ` +
        `variant holds its desired or current replicas this cycle`,
    )
  } else if (facts.preservedVariants.includes(variant.name)) {
    sentences.push(
      `keeps desired ${state.desiredReplicas} (current ${state.currentReplicas}) until the Deployment ` +
        `converges; v0.4.2 leaves it out of the ±1 step`,
    )
  } else if (scaled?.variant === variant.name) {
    // Both engines step from the pods reporting (v0.5.1 only moves a stable model, where that equals current).
    const from = variant.reportingPods
    const to = from + (scaled.action === 'scale-up' ? 1 : -1)
    sentences.push(
      scaled.action === 'scale-up'
        ? `scale up ${variant.name} by 1 (${from} → ${to}): ${scaleUpTriggers(facts)}`
        : `scale down ${variant.name} by 1 (${from} → ${to}): ${scaleDownSafeText(facts)}`,
    )
  } else if (scaled !== undefined) {
    sentences.push(describeOtherScale(variant, scaled, costOf))
  } else if (analysis.shouldScaleUp) {
    const blocked = facts.skippedForPendingReplicas
    sentences.push(
      blocked.length > 0
        ? `scale-up needed: ${scaleUpTriggers(facts)}; but every variant has pending replicas`
        : `scale-up needed: ${scaleUpTriggers(facts)}; but no variant can take it`,
    )
  } else {
    sentences.push(noScaleUp(facts))
    const down = scaleDownSentence(facts)
    if (down !== undefined) sentences.push(down)
    else if (analysis.scaleDownSafe)
      sentences.push(`no scale-down: ${scaleDownSafeText(facts)}, but every variant is at 1 replica`)
  }
  if (facts.skippedForPendingReplicas.includes(variant.name))
    sentences.push(`blocked: ${plural(pending, 'replica')} pending`)
  else if (
    pending > 0 &&
    facts.engine === 'saturation-v0.5.1' &&
    !sentences.some((sentence) => sentence.startsWith('blocked'))
  ) {
    sentences.push(`${plural(pending, 'replica')} pending (not ready)`)
  }
  if (
    facts.engine === 'capacity-v0.4.2' &&
    variant.reportingPods !== state.currentReplicas &&
    !facts.preservedVariants.includes(variant.name)
  ) {
    sentences.push(
      `v0.4.2 counts the ${plural(variant.reportingPods, 'pod')} reporting metrics, not the ` +
        `${plural(state.currentReplicas, 'replica')} the Deployment has`,
    )
  }
  const enforced = enforcementSentence(facts, variant)
  if (enforced !== undefined) sentences.push(enforced)
  if (facts.enableLimiter && variant.action === 'scale-up') {
    sentences.push(
      'the GPU limiter is enabled (default.enableLimiter): free GPUs of this accelerator may cut the ' +
        'scale-up; not simulated',
    )
  }
  if (facts.variantNames.length > 1) sentences.push('the controller moves one variant by one replica per cycle')
  return sentences
}

/** The facts a skip is worded from: the VA's identity and the namespace its group's engine reads. */
export type SkipFacts = Pick<
  SaturationVariantResult,
  'namespace' | 'modelId' | 'engine' | 'statusDesiredReplicas' | 'readNamespace'
>

/**
 * The sentence that says why a VA gets no (written) target, from typed facts only; `computed` is the unwritten
 * target, if any.
 */
export function skipSentence(skip: SaturationSkip, va: SkipFacts, computed: number | undefined): string {
  const desired = va.statusDesiredReplicas
  const keeps = desired === undefined ? 'its desired replicas stay unset' : `desired stays ${desired}`
  const group = va.readNamespace === undefined ? undefined : {engine: va.engine, namespace: va.readNamespace}
  switch (skip.kind) {
    case 'invalid-va':
      return `skipped: the VA is invalid (${skip.message})`
    case 'no-accelerator-label':
      return computed === undefined
        ? `skipped: label ${acceleratorLabel} is missing, and v0.4.2 requires it`
        : `the controller computes ${computed} but never writes it: label ${acceleratorLabel} is missing`
    case 'no-variant-cost':
      return 'skipped: spec.variantCost is empty, and the v0.4.2 capacity path requires it'
    case 'deployment-not-found':
      return `skipped: Deployment ${skip.deployment} not found in ${va.namespace}`
    case 'deployment-at-zero':
      return (
        `not analysed: Deployment ${skip.deployment} is at 0 replicas; the v0.5 scale-from-zero engine scales ` +
        `it to 1 once the EPP queues requests for ${va.modelId}`
      )
    case 'shared-deployment':
      return (
        `skipped: VAs ${skip.variantAutoscalings.join(' and ')} all target Deployment ${skip.deployment}, so ` +
        `the v0.5 controller cannot map its pods (upstream issue #948); ${keeps}`
      )
    case 'not-watched':
      return `skipped: the controller only watches namespace ${skip.watchNamespace}`
    case 'other-controller-instance':
      return (
        `skipped: the controller only handles VAs labelled ` +
        `wva.llmd.ai/controller-instance=${skip.controllerInstance}`
      )
    case 'no-config':
      return `skipped: no saturation config (${skip.reason}); the controller skips model ${va.modelId}`
    case 'no-metrics':
      return (
        `no decision: no pod of ${va.modelId} in ${group?.namespace ?? va.namespace} reported KV-cache or ` +
        `queue metrics, so the controller skips the model; ${keeps}`
      )
    case 'variant-no-metrics': {
      const elsewhere = group !== undefined && group.engine === 'capacity-v0.4.2' && va.namespace !== group.namespace
      return elsewhere
        ? `no decision: v0.4.2 queries model ${va.modelId} only in namespace ${group.namespace} (its first ` +
            `VA's), so this VA's pods are never read; ${keeps}`
        : `no decision: none of its pods reported metrics while its siblings did; ${keeps}`
    }
  }
}

/** A VA's explanation in words: why it has no (written) target, then the decision's sentences, if any. */
export function saturationSentences(result: SaturationVariantResult): string[] {
  const skip = skipOf(result)
  const lead = skip === undefined ? [] : [skipSentence(skip, result, computedTarget(result))]
  const decision = decisionOf(result)
  if (decision === undefined) return lead
  const {group, variant, costs} = decision.explain
  return [...lead, ...explainDecision(group, variant, (name) => costs.get(name) ?? defaultVariantCost)]
}

/** Why a VA gets no written target, worded from its typed skip (the words of its first sentence). */
export function noTargetReason(result: SaturationVariantResult): string {
  const skip = skipOf(result)
  if (skip === undefined) return 'no decision'
  return skipSentence(skip, result, computedTarget(result)).replace(/^skipped: /, '')
}

/** Where repeating the controller's cycles takes the VA (load or threshold what-ifs). */
export function settleSentence(
  result: SaturationVariantResult,
  replicas: number,
  settle: GroupSettle,
  load: GroupLoadApplied | undefined,
): string {
  const at =
    load === undefined || load.scale === 1
      ? 'at this load'
      : `at ${Number(load.scale.toPrecision(4))}× the observed load`
  const repeating = `${at}, repeating the controller's cycles, ${result.name}`
  const from = result.state?.currentReplicas
  const path = from === undefined || from === replicas ? `stays at ${replicas}` : `goes from ${from} to ${replicas}`
  const cycles = `${settle.cycles} controller ${settle.cycles === 1 ? 'cycle' : 'cycles'}`
  switch (settle.status) {
    case 'settled':
      return `${repeating} ${path} and settles after ${cycles} (load model: docs/capacity-planning.md)`
    case 'oscillating':
      return `${repeating} flaps; the largest count is ${replicas} (after ${cycles})`
    case 'cycle-limit':
      return `${repeating} ${path} and is still moving after ${cycles}`
  }
}

/** A replayed v0.5.1 VA without the accelerator label: targets computed, never written. */
export function unwrittenWithoutLabelSentence(): string {
  return `label ${acceleratorLabel} is missing, so the controller computes targets for this VA but never writes them`
}
