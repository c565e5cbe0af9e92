/**
 * `kubectl va simulate NAME --since/--from` where NAME is a scaler (an HPA or a KEDA ScaledObject), not a
 * VariantAutoscaling: the scaler replay of `kubectl va scalers NAME --since/--from/--to` (issue 14, item 2). A name
 * that is a VA stays simulate's; only when no name is a VA and some is a scaler does the command hand over.
 */
import {UsageError} from '../core/errors.js'
import type {KubeObject} from '../core/model/kube-object.js'
import {toClusterReadOptions, type KubeFlagValues} from './kube-flags.js'

export interface SimulateScalerFlags extends KubeFlagValues {
  readonly filename?: string[] | undefined
  readonly recursive?: boolean | undefined
  readonly since?: string | undefined
  readonly from?: string | undefined
  readonly to?: string | undefined
  readonly sweep?: string | undefined
}

/**
 * Whether `simulate NAME...` replays scalers: with --since/--from and names, when none of them is a VA and some is
 * an HPA or ScaledObject (offline in the -f manifests; live in the namespace, or all with -A). Then every long flag
 * on the command line (`argv`) must be one `scalers` takes (`scalerFlagNames`; the short ones all are): a WVA what-if
 * is a usage error that points at `scalers`.
 */
export async function replaysScalers(
  argv: readonly string[],
  names: readonly string[],
  flags: SimulateScalerFlags,
  scalerFlagNames: ReadonlySet<string>,
): Promise<boolean> {
  if (names.length === 0 || (flags.since === undefined && flags.from === undefined) || flags.sweep !== undefined) {
    return false
  }
  // Standard input can be read once: a manifest from it stays simulate's.
  if (flags.filename?.includes('-')) return false
  const {isScalerObject} = await import('../core/model/scaler.js')
  let objects: KubeObject[]
  if (flags.filename !== undefined && flags.filename.length > 0) {
    const {readManifestObjects} = await import('../core/read/manifests/read-manifests.js')
    const read = await readManifestObjects(flags.filename, {recursive: flags.recursive})
    objects = read.objects.map((entry) => entry.object)
  } else {
    objects = await readNamedKinds(flags)
  }
  const named = (kind: (object: KubeObject) => boolean) =>
    objects.filter((object) => kind(object) && names.includes(object.metadata?.name ?? ''))
  if (named((object) => object.kind === 'VariantAutoscaling').length > 0) return false
  if (named(isScalerObject).length === 0) return false
  for (const token of argv) {
    if (token === '--') break
    const flag = /^--(?:no-)?([a-z][a-z0-9-]*)/.exec(token)?.[1]
    if (flag === undefined || scalerFlagNames.has(flag)) continue
    throw new UsageError(`--${flag}: not for a scaler; ${names.join(', ')} is an HPA or ScaledObject, not a VA`, {
      hint: 'replay it with kubectl va scalers NAME --since, whose what-ifs are --threshold, --min, --max and --policy',
    })
  }
  return true
}

/** Live: the VAs, HPAs and ScaledObjects of the namespace (or all), three GETs; a 404 is none of that kind. */
async function readNamedKinds(flags: SimulateScalerFlags): Promise<KubeObject[]> {
  const cluster = toClusterReadOptions(flags, [])
  const {loadKubeconfig} = await import('../core/read/kube/kubeconfig.js')
  const {createKubeReader} = await import('../core/read/kube/kube-client.js')
  const {listObjects} = await import('../core/model/kube-object.js')
  const {vaGroup, vaPlural, vaVersion} = await import('../core/read/kube/read-sources.js')
  const connection = await loadKubeconfig(cluster.kubeconfig ?? {})
  const reader = await createKubeReader(connection, {requestTimeoutMs: cluster.requestTimeoutMs})
  const namespace = cluster.allNamespaces === true ? undefined : connection.namespace
  const path = (prefix: string, resource: string) =>
    namespace === undefined ? `${prefix}/${resource}` : `${prefix}/namespaces/${namespace}/${resource}`
  const kinds = [
    [`/apis/${vaGroup}/${vaVersion}`, vaPlural, 'VariantAutoscaling'],
    ['/apis/autoscaling/v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler'],
    ['/apis/keda.sh/v1alpha1', 'scaledobjects', 'ScaledObject'],
  ] as const
  const responses = await Promise.all(kinds.map(([prefix, resource]) => reader.get(path(prefix, resource))))
  return responses.flatMap((response, index) => {
    // Anything the list cannot say (a 404: not installed; a refusal) leaves the choice to simulate, which reports it.
    if (response.kind === 'error') return []
    const [, resource, kind] = kinds[index]!
    return listObjects(response.body?.items, resource).objects.map((object) => ({...object, kind}))
  })
}
