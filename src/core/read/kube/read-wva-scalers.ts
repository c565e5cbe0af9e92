/**
 * What WVA v0.6+ reads besides VAs: the autoscaling/v2 HPAs and KEDA ScaledObjects (variants from v0.8 when
 * annotated `llm-d.ai/managed: "true"`), the LeaderWorkerSets that may be scale targets, and the events the
 * controller records on its variants. Four list GETs, sent in parallel, whatever the number of variants. A type
 * the server does not serve (no KEDA, no LWS CRD: 404) is simply absent; a refused list (403) is a warning.
 */
import {type KubeObject, listObjects} from '../../model/kube-object.js'
import type {KubeReader, KubeResponse} from './kube-client.js'

export interface WvaScalerSources {
  /** HPAs and ScaledObjects, every one read (managed or not); kind set on each item. */
  scalers: KubeObject[]
  /** LeaderWorkerSets (possible scale targets). */
  leaderWorkerSets: KubeObject[]
  /** Kubernetes events of the namespace(s): the controller's ScaledUp, OptimizationRefused, ... on its variants. */
  events: KubeObject[]
  /** Whether the server serves keda.sh ScaledObjects (false on a 404). */
  scaledObjectsServed: boolean
  warnings: string[]
  problems: Array<{source: string; message: string; hint: string}>
}

const hpaBase = '/apis/autoscaling/v2'
const kedaBase = '/apis/keda.sh/v1alpha1'
const lwsBase = '/apis/leaderworkerset.x-k8s.io/v1'

function path(base: string, plural: string, namespace: string | undefined): string {
  return namespace === undefined ? `${base}/${plural}` : `${base}/namespaces/${namespace}/${plural}`
}

function describe(response: Extract<KubeResponse, {kind: 'error'}>): string {
  const reason = response.status.reason ?? (response.code === 403 ? 'Forbidden' : 'Error')
  return `${response.code} ${reason}`
}

/** Reads HPAs, ScaledObjects and LeaderWorkerSets of `namespace` (every namespace when undefined). */
export async function readWvaScalers(reader: KubeReader, namespace: string | undefined): Promise<WvaScalerSources> {
  const [hpas, scaledObjects, lws, eventList] = await Promise.all([
    reader.get(path(hpaBase, 'horizontalpodautoscalers', namespace)),
    reader.get(path(kedaBase, 'scaledobjects', namespace)),
    reader.get(path(lwsBase, 'leaderworkersets', namespace)),
    reader.get(path('/api/v1', 'events', namespace)),
  ])
  const warnings: string[] = []
  const problems: WvaScalerSources['problems'] = []
  const scope = namespace === undefined ? 'in all namespaces' : `in namespace "${namespace}"`
  const items = (response: KubeResponse, resource: string, kind: string, consequence: string): KubeObject[] => {
    if (response.kind === 'error') {
      if (response.code !== 404)
        warnings.push(`cannot list ${resource} ${scope} (${describe(response)}): ${consequence}`)
      return []
    }
    const listed = listObjects(response.body?.items, resource)
    problems.push(...listed.problems)
    for (const object of listed.objects) object.kind ??= kind
    return listed.objects
  }
  const scalers = [
    ...items(
      hpas,
      'horizontalpodautoscalers',
      'HorizontalPodAutoscaler',
      'WVA v0.8+ variants on HPAs are unknown; grant "list horizontalpodautoscalers"',
    ),
    ...items(
      scaledObjects,
      'scaledobjects.keda.sh',
      'ScaledObject',
      'WVA v0.8+ variants on ScaledObjects are unknown; grant "list scaledobjects.keda.sh"',
    ),
  ]
  const leaderWorkerSets = items(
    lws,
    'leaderworkersets.leaderworkerset.x-k8s.io',
    'LeaderWorkerSet',
    'LeaderWorkerSet scale targets are unknown',
  )
  const events = items(eventList, 'events', 'Event', 'the controller\'s events are not shown; grant "list events"')
  const scaledObjectsServed = !(scaledObjects.kind === 'error' && scaledObjects.code === 404)
  return {scalers, leaderWorkerSets, events, scaledObjectsServed, warnings, problems}
}
