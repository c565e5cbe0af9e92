import type {KubeObject} from './kube-object.js'
import type {MetricsSnapshot} from './metrics.js'
import type {WvaInstallation} from './wva-installation.js'

/**
 * Everything the inspect pipeline reads, from manifest files (-f) or from the cluster. Raw objects: validation and
 * normalisation happen once, in core/model, for both sources, so offline and live runs cannot drift apart.
 */
export interface SourceSet {
  variantAutoscalings: KubeObject[]
  deployments: KubeObject[]
  configMaps: KubeObject[]
  /** The CustomResourceDefinition variantautoscalings.llmd.ai, when readable (shape detection). */
  crd?: KubeObject | undefined
  /** The WVA controller Deployment, when found (env: WVA_SCALE_TO_ZERO, CONFIG_MAP_NAME, ...). */
  controllerDeployment?: KubeObject | undefined
  /** Namespace of the controller and its ConfigMaps. */
  controllerNamespace?: string | undefined
  pods?: KubeObject[] | undefined
  replicaSets?: KubeObject[] | undefined
  /** WVA v0.8+: HPAs and KEDA ScaledObjects (variants when annotated llm-d.ai/managed: "true"); undefined: unread. */
  scalers?: KubeObject[] | undefined
  /** LeaderWorkerSets: scale targets of WVA v0.6+ variants, beside the Deployments. */
  leaderWorkerSets?: KubeObject[] | undefined
  /** WVA v0.6+: Kubernetes events of the variants' namespaces (describe shows the last ones of each variant). */
  events?: KubeObject[] | undefined
  /** WVA v0.6+: the controller's exported wva_* gauges per variant (live only). */
  wvaGauges?: Array<{namespace: string; variant: string; gauge: string; value: number}> | undefined
  /** WVA v0.6+: the release and variants (set by withWvaInstallation; variantAutoscalings then hold their VAs). */
  wva?: WvaInstallation | undefined
  /** WVA v0.6+: the live per-pod and per-model readings of the release's own queries (a snapshot at --at). */
  wvaReadings?: MetricsSnapshot | undefined
  metricsSnapshots: MetricsSnapshot[]
  /** Problems that did not stop reading (RBAC denied on ConfigMaps, unknown kinds in a file...). */
  warnings: string[]
  /** Objects of a cluster list that could not be used (a null or string item): reported one by one, exit 6. */
  problems?: Array<{source: string; message: string; hint: string}> | undefined
}
