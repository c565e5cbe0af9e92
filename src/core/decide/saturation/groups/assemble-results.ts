/**
 * Each VA's tagged result from its group's engine outcome: the decision, or why there is none, with the evidence
 * (pods, model figures, guards) and the facts its explanation is worded from.
 */
import type {SaturationEngine} from '../../engine-select.js'
import {defaultVariantCost} from '../scale-to-zero.js'
import type {SaturationThresholds, VariantSaturationAnalysis} from '../types.js'
import type {GroupFacts} from './decision-facts.js'
import {memberPodsKey, memberSkip, type AnalysedMember, type GroupFeed} from './engine-input.js'
import type {GroupPlan, Member} from './plan-groups.js'
import type {SharedDeployment} from './pod-mapping.js'
import {
  podRow,
  type ExclusionSkip,
  type InvalidVariant,
  type SaturationGroupOutcome,
  type SaturationGuards,
  type SaturationModelSummary,
  type SaturationVariantResult,
  type SkippedVariant,
  type UndecidedVariant,
} from './variant-result.js'
import {variantStateOf} from './variant-state.js'

/** The group a VA belongs to: the namespace its engine reads. */
type EngineGroup = {readonly engine: SaturationEngine; readonly namespace: string}

function identity(member: Member, groupKey: string, group: EngineGroup | undefined) {
  return {
    namespace: member.va.namespace,
    name: member.va.name,
    modelId: member.va.modelID,
    engine: member.engine,
    engineWhy: member.why,
    groupKey,
    deployment: member.va.target.name,
    statusDesiredReplicas: member.desiredReplicas,
    readNamespace: group?.namespace,
  }
}

/** A VA left out before the engine: its state from its Deployment, no pods, the skip. */
export function unanalysedResult(
  member: Member,
  groupKey: string,
  skip: ExclusionSkip,
  group: EngineGroup | undefined,
): SkippedVariant | InvalidVariant {
  const ids = identity(member, groupKey, group)
  const base = {
    ...ids,
    state:
      member.replicas === undefined
        ? undefined
        : variantStateOf(member.va.name, member.replicas, member.desiredReplicas),
    pods: [] as const,
  }
  return skip.kind === 'invalid-va' ? {...base, outcome: 'invalid', skip} : {...base, outcome: 'skipped', skip}
}

/** What the engine's outcome says of the whole group, read once for all its VAs. */
interface GroupReading {
  readonly group: GroupPlan
  readonly feed: GroupFeed
  readonly sharedBy: ReadonlyMap<string, SharedDeployment>
  readonly outcome: SaturationGroupOutcome
  readonly groupSkip: {readonly kind: 'no-metrics'} | undefined
  readonly model: SaturationModelSummary
  readonly facts: GroupFacts
  readonly analyses: ReadonlyMap<string, VariantSaturationAnalysis>
  readonly decisions: ReadonlyMap<string, SaturationOutcomeDecision>
  /** Whether each pod the engine assessed is saturated, by pod name. */
  readonly assessed: ReadonlyMap<string, boolean>
  /** Per-replica spec.variantCost of the analysed variants, by name. */
  readonly costs: ReadonlyMap<string, number>
}

type SaturationOutcomeDecision = SaturationGroupOutcome['result']['decisions'][number]

/** The results of a group whose engine ran, in member order. */
export function analysedResults(
  group: GroupPlan,
  thresholds: SaturationThresholds,
  feed: GroupFeed,
  outcome: SaturationGroupOutcome,
  sharedBy: ReadonlyMap<string, SharedDeployment>,
): SaturationVariantResult[] {
  const {result} = outcome
  const analyses = new Map(result.analysis.variantAnalyses.map((variant) => [variant.variantName, variant]))
  const reading: GroupReading = {
    group,
    feed,
    sharedBy,
    outcome,
    groupSkip: result.engineSkip === undefined ? undefined : {kind: 'no-metrics'},
    model: summarize(thresholds, outcome),
    facts: groupFacts(group, thresholds, feed, outcome),
    analyses,
    decisions: new Map<string, SaturationOutcomeDecision>(
      result.decisions.map((decision) => [decision.variantName, decision]),
    ),
    assessed: new Map(result.replicas.map((replica) => [replica.podName, replica.isSaturated])),
    costs: new Map(result.analysis.variantAnalyses.map((variant) => [variant.variantName, variant.cost])),
  }
  const analysedBy = new Map<Member, AnalysedMember>(feed.analysed.map((entry) => [entry.member, entry]))
  return group.members.map((member): SaturationVariantResult => {
    const entry = analysedBy.get(member)
    if (member.exclusion !== undefined || entry === undefined) {
      const exclusion = member.exclusion ?? {kind: 'deployment-not-found', deployment: member.va.target.name}
      return unanalysedResult(member, group.key, exclusion, group)
    }
    return memberResult(entry, reading)
  })
}

/** The facts the decision sentences are worded from (simulate/saturation-wording.ts). */
function groupFacts(
  group: GroupPlan,
  thresholds: SaturationThresholds,
  feed: GroupFeed,
  outcome: SaturationGroupOutcome,
): GroupFacts {
  const {result} = outcome
  const saturation = outcome.engine === 'saturation-v0.5.1' ? outcome.result : undefined
  const capacity = outcome.engine === 'capacity-v0.4.2' ? outcome.result : undefined
  return {
    engine: group.engine,
    modelId: group.modelId,
    namespace: group.namespace,
    thresholds,
    detail: result,
    variantNames: feed.analysed.map(({member}) => member.va.name),
    scaledVariant: result.scaledVariant,
    transitionReasons: saturation?.transitionReasons ?? [],
    skippedForPendingReplicas: saturation?.skippedForPendingReplicas ?? [],
    preservedVariants: capacity?.preservedVariants ?? [],
    enforcement: saturation?.enforcement,
    scaleToZeroPolicy: saturation?.scaleToZeroPolicy,
    enableLimiter: group.enableLimiter,
  }
}

/** One fed VA's result: decided, unwritten, or undecided with why. */
function memberResult({member, state}: AnalysedMember, reading: GroupReading): SaturationVariantResult {
  const {group, feed, outcome, groupSkip, model, analyses, costs} = reading
  const {va} = member
  const saturation = outcome.engine === 'saturation-v0.5.1' ? outcome.result : undefined
  const capacity = outcome.engine === 'capacity-v0.4.2' ? outcome.result : undefined
  const shared = memberSkip(group, member, reading.sharedBy)
  const pods = (feed.podsOf.get(memberPodsKey(member)) ?? []).map((pod) =>
    podRow(feed.fed.get(pod) ?? pod, shared === undefined ? reading.assessed.get(pod.name) : undefined),
  )
  const guards: SaturationGuards = {
    pendingReplicas: state.pendingReplicas ?? 0,
    modelInTransition: saturation?.modelInTransition ?? false,
    transitionReasons: saturation?.transitionReasons ?? [],
    isSkippedForPending: saturation?.skippedForPendingReplicas.includes(va.name) ?? false,
    isDesiredPreserved: capacity?.preservedVariants.includes(va.name) ?? false,
  }
  const ids = identity(member, group.key, group)
  const evidence = {...ids, state, pods, guards, enforcement: saturation?.enforcement}
  const decision = groupSkip === undefined ? reading.decisions.get(va.name) : undefined
  const noDecision: UndecidedVariant['skip'] | undefined =
    shared?.kind === 'shared-deployment'
      ? shared
      : (groupSkip ?? (decision === undefined ? {kind: 'variant-no-metrics'} : undefined))
  if (noDecision !== undefined || decision === undefined) {
    const skip: UndecidedVariant['skip'] = noDecision ?? {kind: 'variant-no-metrics'}
    return {
      ...evidence,
      outcome: 'undecided',
      skip,
      model: groupSkip === undefined ? model : undefined,
    }
  }
  const explain = {
    group: reading.facts,
    variant: {
      name: va.name,
      state,
      targetReplicas: decision.targetReplicas,
      action: decision.action,
      reportingPods: analyses.get(va.name)?.replicaCount ?? 0,
      cost: costs.get(va.name) ?? defaultVariantCost,
    },
    costs,
  }
  const decided = {
    ...evidence,
    action: decision.action,
    decisionReason: decision.reason,
    analysis: analyses.get(va.name),
    model,
    explain,
  }
  // v0.5.1 computes a target for a VA without the accelerator label but never writes it.
  if (group.engine === 'saturation-v0.5.1' && va.acceleratorLabel === undefined) {
    const skip = {kind: 'no-accelerator-label'} as const
    return {
      ...decided,
      outcome: 'unwritten',
      computedTargetReplicas: decision.targetReplicas,
      skip,
    }
  }
  return {...decided, outcome: 'decided', targetReplicas: decision.targetReplicas}
}

function summarize(thresholds: SaturationThresholds, outcome: SaturationGroupOutcome): SaturationModelSummary {
  const {analysis, scaleDownCheck} = outcome.result
  return {
    thresholds,
    totalReplicas: analysis.totalReplicas,
    nonSaturatedCount: analysis.nonSaturatedCount,
    avgSpareKvCapacity: analysis.avgSpareKvCapacity,
    kvSpareTrigger: thresholds.kvSpareTrigger,
    avgSpareQueueLength: analysis.avgSpareQueueLength,
    queueSpareTrigger: thresholds.queueSpareTrigger,
    shouldScaleUp: analysis.shouldScaleUp,
    scaleUpReason: analysis.scaleUpReason,
    scaleDownSafe: analysis.scaleDownSafe,
    scaleDownCheck,
  }
}
