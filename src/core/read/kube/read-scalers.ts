import {ClusterError} from '../../errors.js'
import {type KubeObject, listObjects} from '../../model/kube-object.js'
import {createKubeReader, type KubeResponse} from './kube-client.js'
import {type ClusterConnection, type KubeconfigOptions, loadKubeconfig} from './kubeconfig.js'

export interface ReadScalersOptions {
  kubeconfig?: KubeconfigOptions | undefined
  connection?: ClusterConnection | undefined
  allNamespaces?: boolean | undefined
  labelSelector?: string | undefined
  requestTimeoutMs?: number | undefined
}

export interface ClusterScalers {
  /** HPAs and ScaledObjects (apiVersion and kind set on each). */
  scalers: KubeObject[]
  /** Deployments and LeaderWorkerSets: the possible scale targets. */
  targets: KubeObject[]
  /** Whether the API server serves keda.sh ScaledObjects (false: their CRD is not installed). */
  kedaServed: boolean
  namespace: string | undefined
  warnings: string[]
  connection: ClusterConnection
  /** GET requests sent: four, whatever the number of scalers. */
  requestCount: number
}

const scope = (namespace: string | undefined) =>
  namespace === undefined ? 'in all namespaces' : `in namespace "${namespace}"`

/**
 * The HPAs, ScaledObjects, Deployments and LeaderWorkerSets of a namespace (or all), with four GETs in parallel,
 * whatever the number of scalers. A 404 on ScaledObjects or LeaderWorkerSets means the CRD is not installed (none);
 * any other refusal on them becomes a warning. The HPA list must succeed.
 */
export async function readClusterScalers(options: ReadScalersOptions): Promise<ClusterScalers> {
  const connection = options.connection ?? (await loadKubeconfig(options.kubeconfig ?? {}))
  const reader = await createKubeReader(connection, {requestTimeoutMs: options.requestTimeoutMs})
  const namespace = options.allNamespaces === true ? undefined : connection.namespace
  const path = (prefix: string, resource: string) =>
    namespace === undefined ? `${prefix}/${resource}` : `${prefix}/namespaces/${namespace}/${resource}`
  const selector = {labelSelector: options.labelSelector}
  const [hpas, scaledObjects, deployments, lws] = await Promise.all([
    reader.get(path('/apis/autoscaling/v2', 'horizontalpodautoscalers'), selector),
    reader.get(path('/apis/keda.sh/v1alpha1', 'scaledobjects'), selector),
    reader.get(path('/apis/apps/v1', 'deployments')),
    reader.get(path('/apis/leaderworkerset.x-k8s.io/v1', 'leaderworkersets')),
  ])
  const warnings: string[] = []
  if (hpas.kind === 'error') {
    throw new ClusterError(`cannot list horizontalpodautoscalers.autoscaling ${scope(namespace)}: ${reason(hpas)}`, {
      hint: 'ask for RBAC "list horizontalpodautoscalers", or pick another --context',
    })
  }
  const items = (response: KubeResponse, apiVersion: string, kind: string, what: string, optional: boolean) => {
    if (response.kind === 'error') {
      if (!(optional && response.code === 404))
        warnings.push(`cannot list ${what} ${scope(namespace)} (${reason(response)})`)
      return []
    }
    const objects = listObjects(response.body?.items, what).objects
    for (const object of objects) {
      object.apiVersion ??= apiVersion
      object.kind ??= kind
    }
    return objects
  }
  const scalers = [
    ...items(hpas, 'autoscaling/v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', false),
    ...items(scaledObjects, 'keda.sh/v1alpha1', 'ScaledObject', 'scaledobjects.keda.sh', true),
  ]
  const targets = [
    ...items(deployments, 'apps/v1', 'Deployment', 'deployments', false),
    ...items(lws, 'leaderworkerset.x-k8s.io/v1', 'LeaderWorkerSet', 'leaderworkersets', true),
  ]
  return {
    scalers,
    targets,
    kedaServed: scaledObjects.kind === 'ok',
    namespace,
    warnings,
    connection,
    requestCount: reader.requestCount,
  }
}

function reason(response: Extract<KubeResponse, {kind: 'error'}>): string {
  const known: Record<number, string> = {403: 'Forbidden', 404: 'NotFound'}
  return `${response.code} ${response.status.reason ?? known[response.code] ?? 'Error'}`
}
