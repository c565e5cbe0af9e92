/**
 * A VA's replica state from its target Deployment, as the engines build it (`buildVariantStates` v0.4.2,
 * `BuildVariantStates` v0.5.1; saturation-algorithm.md section 1, wva-controller.md 6.4 step e).
 */
import {isRecord} from '../../../model/field-problems.js'
import {field, type KubeObject, podTemplateContainers} from '../../../model/kube-object.js'
import type {VariantAutoscaling} from '../../../model/variant-autoscaling.js'
import type {VariantState} from '../types.js'

/** The extended resources v0.5.1 sums per container to get GPUs per replica. */
export const gpuResourceNames = ['nvidia.com/gpu', 'amd.com/gpu', 'intel.com/gpu'] as const

/** What the Deployment says about its replicas. */
export interface DeploymentReplicas {
  /** `spec.replicas`; Kubernetes defaults a missing value to 1. */
  readonly specReplicas: number
  /** `status.replicas`, 0 when absent. */
  readonly statusReplicas: number
  /** `status.replicas`, or `spec.replicas` when that is 0 (a Deployment that has not reported yet). */
  readonly currentReplicas: number
  /** `status.readyReplicas`, 0 when absent. */
  readonly readyReplicas: number
  /** max(current - ready, 0). */
  readonly pendingReplicas: number
  /** GPUs one pod requests (requests, else limits, over the template's containers); 1 when none. */
  readonly gpusPerReplica: number
  /** v0.5.x only analyses Deployments with `spec.replicas > 0`; 0-replica ones belong to scale-from-zero. */
  readonly isScaledToZero: boolean
}

const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0)

/** A Kubernetes quantity of a countable resource ("1", 2, "4"); anything fractional or unparsable counts 0. */
function parseGpuQuantity(value: unknown): number {
  const parsed = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : Number.NaN
  return Number.isInteger(parsed) && parsed > 0 ? parsed : 0
}

/** Sum of GPU requests (else limits, which Kubernetes copies into requests for extended resources); 1 when 0. */
export function gpusPerReplicaOf(deployment: KubeObject): number {
  const containers: unknown[] = podTemplateContainers(deployment)
  let total = 0
  for (const container of containers) {
    if (!isRecord(container) || !isRecord(container.resources)) continue
    const requests = isRecord(container.resources.requests) ? container.resources.requests : {}
    const limits = isRecord(container.resources.limits) ? container.resources.limits : {}
    for (const resource of gpuResourceNames) total += parseGpuQuantity(requests[resource] ?? limits[resource])
  }
  return total > 0 ? total : 1
}

export function readDeploymentReplicas(deployment: KubeObject): DeploymentReplicas {
  const rawSpecReplicas = field(deployment.spec, 'replicas')
  const specReplicas = typeof rawSpecReplicas === 'number' ? rawSpecReplicas : 1
  const statusReplicas = count(field(deployment.status, 'replicas'))
  const currentReplicas = statusReplicas !== 0 ? statusReplicas : specReplicas
  const readyReplicas = count(field(deployment.status, 'readyReplicas'))
  return {
    specReplicas,
    statusReplicas,
    currentReplicas,
    readyReplicas,
    pendingReplicas: Math.max(currentReplicas - readyReplicas, 0),
    gpusPerReplica: gpusPerReplicaOf(deployment),
    isScaledToZero: specReplicas <= 0,
  }
}

/**
 * A Deployment's replicas as a replay cycle simulates them: `spec.replicas` and `status.replicas` at `replicas`,
 * `readyReplicas` ready; the pod template (GPUs per replica) as read.
 */
export function simulatedReplicas(
  base: DeploymentReplicas,
  replicas: number,
  readyReplicas: number,
): DeploymentReplicas {
  return {
    ...base,
    specReplicas: replicas,
    statusReplicas: replicas,
    currentReplicas: replicas,
    readyReplicas,
    pendingReplicas: Math.max(replicas - readyReplicas, 0),
    isScaledToZero: replicas <= 0,
  }
}

/** The engine's state for one VA: variant name = VA name (v0.4.2 VA = Deployment name too; v0.5.1 VA name). */
export function variantStateOf(
  variantName: string,
  replicas: DeploymentReplicas,
  desiredReplicas: number | undefined,
): VariantState {
  return {
    variantName,
    currentReplicas: replicas.currentReplicas,
    desiredReplicas: desiredReplicas ?? 0,
    pendingReplicas: replicas.pendingReplicas,
    gpusPerReplica: replicas.gpusPerReplica,
  }
}

/** The engine's state for one VA from its parsed VA and its Deployment object. */
export function buildVariantState(va: VariantAutoscaling, deployment: KubeObject): VariantState {
  return variantStateOf(va.name, readDeploymentReplicas(deployment), va.status.desiredReplicas)
}
