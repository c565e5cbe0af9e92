/**
 * Which VA each pod's metrics belong to, as each controller version decides it (wva-controller.md 5.9, 6.2, 6.4):
 * * v0.5.x (`owner-chain`): pod -> controller ReplicaSet -> controller Deployment, then the VA whose
 *   `scaleTargetRef` names that Deployment in the same namespace. Two VAs on one Deployment: the lookup fails and
 *   the pod is dropped (upstream issue #948).
 * * v0.0.5-v0.4.2 (`selector`): the Deployment whose `spec.selector` selects the pod, falling back to the longest
 *   `<deployment>-` prefix of the pod name; the VA has the Deployment's name.
 * Without Pod objects (or, for the owner chain, ReplicaSets), e.g. from an offline MetricsSnapshot, the snapshot's
 * `PodMetrics.deployment` is used, else the name-prefix rule.
 */
import {field, type KubeObject} from '../../../model/kube-object.js'
import type {PodMetrics} from '../../../model/metrics.js'
import type {VariantAutoscaling} from '../../../model/variant-autoscaling.js'
import {compareNames} from '../types.js'
import {isSelectedBy} from './label-selector.js'

export type PodMappingRule = 'owner-chain' | 'selector'
export type PodMappingMethod = 'owner-chain' | 'selector' | 'name-prefix' | 'snapshot-deployment'

export interface PodDeploymentMatch {
  /** Deployment name in the pod's namespace; undefined when no rule found one. */
  readonly deployment: string | undefined
  readonly method: PodMappingMethod | undefined
  /** Why no Deployment was found (or why the owner chain stopped). */
  readonly problem: string | undefined
}

export interface PodAssignment {
  readonly pod: PodMetrics
  readonly deployment: string | undefined
  readonly method: PodMappingMethod | undefined
  /** The VA the pod's metrics feed; undefined when the pod is dropped. */
  readonly variantName: string | undefined
  /** Why the pod feeds no VA. */
  readonly unassignedReason: string | undefined
}

export interface SharedDeployment {
  readonly namespace: string
  readonly deployment: string
  /** VA names, sorted. */
  readonly variantAutoscalings: readonly string[]
}

/** A pod of a VA's Deployment that Prometheus returned nothing for. */
export interface PodWithoutMetrics {
  readonly namespace: string
  readonly name: string
  readonly deployment: string
  readonly variantName: string
  /** `status.phase`, e.g. Pending. */
  readonly phase: string | undefined
}

export interface PodMapping {
  readonly rule: PodMappingRule
  /** Whether Pod objects (and, for the owner chain, ReplicaSets) were available, i.e. the version's rule applied. */
  readonly usedClusterObjects: boolean
  /** One per input pod, in input order. */
  readonly assignments: readonly PodAssignment[]
  /** Assignments whose pod maps to no Deployment any VA targets. */
  readonly unknownDeploymentPods: readonly PodAssignment[]
  readonly sharedDeployments: readonly SharedDeployment[]
  /** Only known when Pod objects are available. Sorted by namespace and name. */
  readonly podsWithoutMetrics: readonly PodWithoutMetrics[]
}

export interface PodMappingInput {
  readonly rule: PodMappingRule
  readonly pods: readonly PodMetrics[]
  readonly podObjects?: readonly KubeObject[] | undefined
  readonly replicaSets?: readonly KubeObject[] | undefined
  readonly deployments: readonly KubeObject[]
  /** The VAs whose pods are wanted (one engine's VAs). */
  readonly variantAutoscalings: readonly VariantAutoscaling[]
}

const separator = '\u0000'
const keyOf = (namespace: string, name: string): string => `${namespace}${separator}${name}`

/** Deployment -> the VAs targeting it (same namespace), VA names sorted. */
export function indexDeploymentTargets(
  variantAutoscalings: readonly VariantAutoscaling[],
): ReadonlyMap<string, readonly string[]> {
  const index = new Map<string, string[]>()
  for (const va of variantAutoscalings) {
    const key = keyOf(va.namespace, va.target.name)
    index.set(key, [...(index.get(key) ?? []), va.name].sort(compareNames))
  }
  return index
}

/** Key of a Deployment in `indexDeploymentTargets`. */
export function deploymentKey(namespace: string, deployment: string): string {
  return keyOf(namespace, deployment)
}

function controllerOwner(
  object: KubeObject | undefined,
): {kind: string | undefined; name: string | undefined} | undefined {
  const owner = object?.metadata?.ownerReferences?.find((reference) => reference.controller === true)
  return owner === undefined ? undefined : {kind: owner.kind, name: owner.name}
}

/** Longest `<deployment>-` prefix of the pod name among the candidates (v0.4.2 fallback). */
export function matchNamePrefix(podName: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined
  for (const deployment of candidates) {
    if (podName.startsWith(`${deployment}-`) && (best === undefined || deployment.length > best.length))
      best = deployment
  }
  return best
}

interface ObjectIndex {
  readonly pods: ReadonlyMap<string, KubeObject> | undefined
  readonly replicaSets: ReadonlyMap<string, KubeObject> | undefined
  /** Per namespace: the Deployments some VA targets, sorted by name. */
  readonly candidates: ReadonlyMap<string, readonly KubeObject[]>
}

function indexObjects(objects: readonly KubeObject[] | undefined): ReadonlyMap<string, KubeObject> | undefined {
  if (objects === undefined) return undefined
  return new Map(
    objects.map((object) => [keyOf(object.metadata?.namespace ?? 'default', object.metadata?.name ?? ''), object]),
  )
}

function indexCandidates(
  deployments: readonly KubeObject[],
  targets: ReadonlyMap<string, readonly string[]>,
): ReadonlyMap<string, readonly KubeObject[]> {
  const byNamespace = new Map<string, KubeObject[]>()
  for (const deployment of deployments) {
    const namespace = deployment.metadata?.namespace ?? 'default'
    if (!targets.has(keyOf(namespace, deployment.metadata?.name ?? ''))) continue
    byNamespace.set(namespace, [...(byNamespace.get(namespace) ?? []), deployment])
  }
  for (const list of byNamespace.values())
    list.sort((left, right) => compareNames(left.metadata?.name ?? '', right.metadata?.name ?? ''))
  return byNamespace
}

function fallbackMatch(pod: PodMetrics, index: ObjectIndex, problem?: string): PodDeploymentMatch {
  if (pod.deployment !== undefined && pod.deployment !== '')
    return {deployment: pod.deployment, method: 'snapshot-deployment', problem: undefined}
  const names = (index.candidates.get(pod.namespace) ?? []).map((deployment) => deployment.metadata?.name ?? '')
  const prefix = matchNamePrefix(pod.name, names)
  if (prefix !== undefined) return {deployment: prefix, method: 'name-prefix', problem: undefined}
  return {
    deployment: undefined,
    method: undefined,
    problem: problem ?? `no VA's Deployment name is a prefix of the pod name`,
  }
}

function ownerChainMatch(pod: PodMetrics, index: ObjectIndex): PodDeploymentMatch {
  const none = (problem: string): PodDeploymentMatch => ({deployment: undefined, method: undefined, problem})
  const podObject = index.pods!.get(keyOf(pod.namespace, pod.name))
  if (podObject === undefined) return none('pod not found in the cluster (deleted since Prometheus scraped it?)')
  const owner = controllerOwner(podObject)
  if (owner?.kind !== 'ReplicaSet' || owner.name === undefined)
    return none(`pod has no controller ReplicaSet${owner?.kind ? ` (controller: ${owner.kind})` : ''}`)
  const replicaSet = index.replicaSets!.get(keyOf(pod.namespace, owner.name))
  if (replicaSet === undefined) return none(`ReplicaSet ${owner.name} not found`)
  const rsOwner = controllerOwner(replicaSet)
  if (rsOwner?.kind !== 'Deployment' || rsOwner.name === undefined)
    return none(`ReplicaSet ${owner.name} has no controller Deployment`)
  return {deployment: rsOwner.name, method: 'owner-chain', problem: undefined}
}

function selectorMatch(pod: PodMetrics, index: ObjectIndex): PodDeploymentMatch {
  const podObject = index.pods!.get(keyOf(pod.namespace, pod.name))
  if (podObject !== undefined) {
    // Several selectors may select one pod; upstream's map order decides, here the first by name.
    const selected = (index.candidates.get(pod.namespace) ?? []).find((deployment) =>
      isSelectedBy(field(deployment.spec, 'selector'), podObject.metadata?.labels),
    )
    if (selected !== undefined) return {deployment: selected.metadata?.name, method: 'selector', problem: undefined}
  }
  // Upstream falls back to the name prefix, never to a snapshot's annotation, when it listed the pods.
  const names = (index.candidates.get(pod.namespace) ?? []).map((deployment) => deployment.metadata?.name ?? '')
  const prefix = matchNamePrefix(pod.name, names)
  if (prefix !== undefined) return {deployment: prefix, method: 'name-prefix', problem: undefined}
  return {
    deployment: undefined,
    method: undefined,
    problem: 'no VA Deployment selects the pod and none is a prefix of its name',
  }
}

function usesClusterObjects(rule: PodMappingRule, index: ObjectIndex): boolean {
  return rule === 'owner-chain' ? index.pods !== undefined && index.replicaSets !== undefined : index.pods !== undefined
}

function matchDeployment(pod: PodMetrics, rule: PodMappingRule, index: ObjectIndex): PodDeploymentMatch {
  if (!usesClusterObjects(rule, index)) return fallbackMatch(pod, index)
  return rule === 'owner-chain' ? ownerChainMatch(pod, index) : selectorMatch(pod, index)
}

/** Maps every pod to its Deployment and VA; reports pods of unknown Deployments, shared Deployments, silent pods. */
export function mapPodsToVariants(input: PodMappingInput): PodMapping {
  const targets = indexDeploymentTargets(input.variantAutoscalings)
  const index: ObjectIndex = {
    pods: indexObjects(input.podObjects),
    replicaSets: indexObjects(input.replicaSets),
    candidates: indexCandidates(input.deployments, targets),
  }
  const assign = (pod: PodMetrics): PodAssignment => {
    const match = matchDeployment(pod, input.rule, index)
    const base = {pod, deployment: match.deployment, method: match.method}
    if (match.deployment === undefined) return {...base, variantName: undefined, unassignedReason: match.problem}
    const vas = targets.get(keyOf(pod.namespace, match.deployment)) ?? []
    if (vas.length === 0)
      return {...base, variantName: undefined, unassignedReason: `no VA targets Deployment ${match.deployment}`}
    if (vas.length > 1)
      return {
        ...base,
        variantName: undefined,
        unassignedReason: `VAs ${vas.join(', ')} all target Deployment ${match.deployment}`,
      }
    return {...base, variantName: vas[0], unassignedReason: undefined}
  }
  const assignments = input.pods.map(assign)
  const sharedDeployments = [...targets]
    .filter(([, vas]) => vas.length > 1)
    .map(([key, vas]) => {
      const [namespace, deployment] = key.split(separator) as [string, string]
      return {namespace, deployment, variantAutoscalings: vas}
    })
    .sort(
      (left, right) => compareNames(left.namespace, right.namespace) || compareNames(left.deployment, right.deployment),
    )
  return {
    rule: input.rule,
    usedClusterObjects: usesClusterObjects(input.rule, index),
    assignments,
    unknownDeploymentPods: assignments.filter(
      (assignment) =>
        assignment.deployment === undefined || !targets.has(keyOf(assignment.pod.namespace, assignment.deployment)),
    ),
    sharedDeployments,
    podsWithoutMetrics: findPodsWithoutMetrics(input, index, targets),
  }
}

function findPodsWithoutMetrics(
  input: PodMappingInput,
  index: ObjectIndex,
  targets: ReadonlyMap<string, readonly string[]>,
): PodWithoutMetrics[] {
  if (input.podObjects === undefined || !usesClusterObjects(input.rule, index)) return []
  const reported = new Set(input.pods.map((pod) => keyOf(pod.namespace, pod.name)))
  const silent: PodWithoutMetrics[] = []
  for (const podObject of input.podObjects) {
    const namespace = podObject.metadata?.namespace ?? 'default'
    const name = podObject.metadata?.name ?? ''
    if (reported.has(keyOf(namespace, name))) continue
    const match = matchDeployment({namespace, name}, input.rule, index)
    if (match.deployment === undefined) continue
    const vas = targets.get(keyOf(namespace, match.deployment)) ?? []
    // Name-prefix guesses for unrelated pods are not evidence enough to call them silent.
    if (vas.length !== 1 || match.method === 'name-prefix') continue
    const phase = field(podObject.status, 'phase')
    silent.push({
      namespace,
      name,
      deployment: match.deployment,
      variantName: vas[0]!,
      phase: typeof phase === 'string' ? phase : undefined,
    })
  }
  return silent.sort(
    (left, right) => compareNames(left.namespace, right.namespace) || compareNames(left.name, right.name),
  )
}
