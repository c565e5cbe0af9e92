/**
 * What the scaler commands ask Prometheus: each scaler metric's query (model/scaler.ts), the model's load and latency
 * and the recorded replicas, and the what-if presets (`--policy`): the four llm-d KEDA overlays and the WVA v0.9 HPA,
 * built as manifests for the same parser as the cluster's scalers. Pure.
 */
import type {KubeObject} from '../model/kube-object.js'

const label = (value: string): string => JSON.stringify(value)

/** The label selector of a model's vLLM series, as the WVA collector selects them. */
export function modelSelector(namespace: string, model: string): string {
  return `namespace=${label(namespace)},model_name=${label(model)}`
}

/** Request rate (req/min) of a model: the chart's load panel and the lag's load signal. */
export const loadQuery = (namespace: string, model: string): string =>
  `sum(rate(vllm:request_success_total{${modelSelector(namespace, model)}}[1m])) * 60`

/** Mean time to first token (ms) of a model over 1 m. */
export const ttftQuery = (namespace: string, model: string): string =>
  `1000 * sum(rate(vllm:time_to_first_token_seconds_sum{${modelSelector(namespace, model)}}[1m])) / ` +
  `sum(rate(vllm:time_to_first_token_seconds_count{${modelSelector(namespace, model)}}[1m]))`

/** Mean inter-token latency (ms) of a model over 1 m. */
export const itlQuery = (namespace: string, model: string): string =>
  `1000 * sum(rate(vllm:inter_token_latency_seconds_sum{${modelSelector(namespace, model)}}[1m])) / ` +
  `sum(rate(vllm:inter_token_latency_seconds_count{${modelSelector(namespace, model)}}[1m]))`

/** The replicas that ran: kube-state-metrics' status replicas of the target. */
export const recordedReplicasQuery = (namespace: string, kind: string, name: string): string =>
  kind === 'LeaderWorkerSet'
    ? `max(kube_leaderworkerset_status_replicas{namespace=${label(namespace)},leaderworkerset=${label(name)}})`
    : `max(kube_deployment_status_replicas{namespace=${label(namespace)},deployment=${label(name)}})`

export const policyNames = ['queue', 'saturation', 'token-aware', 'slo-aware', 'wva-v0.9'] as const
export type PolicyName = (typeof policyNames)[number]

export interface PresetContext {
  readonly namespace: string
  /** The scaler's name: the preset is named `<name>@<policy>`. */
  readonly name: string
  readonly model: string
  readonly target: {readonly kind: string; readonly name: string; readonly apiVersion: string}
  readonly minReplicas: number
  readonly maxReplicas: number
  /** SLOs for the slo-aware overlay, ms. */
  readonly sloTtftMs: number
  readonly sloItlMs: number
}

/** Peak prefill throughput per replica (tokens/s) the token-aware preset divides by. */
export const presetPeakPrefillTokensPerSecond = 20_000

function scaledObject(context: PresetContext, policy: PolicyName, spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: {name: `${context.name}@${policy}`, namespace: context.namespace},
    spec: {
      scaleTargetRef: context.target,
      minReplicaCount: context.minReplicas,
      maxReplicaCount: context.maxReplicas,
      ...spec,
    },
  }
}

const prometheusTrigger = (name: string, query: string, threshold: string, extra: Record<string, unknown> = {}) => ({
  type: 'prometheus',
  name,
  metadata: {serverAddress: 'http://prometheus:9090', query, threshold},
  ...extra,
})

/**
 * A preset as a manifest (docs/scalers.md#presets lists each query and threshold). The EPP series are selected by
 * `namespace` and `model_name`; thresholds are the overlays' where llm-d documents them (queue 1 and running 16 per
 * replica, saturation 0.7 and running 16 per replica) and ours otherwise, and `--threshold` replaces them.
 */
export function presetManifest(policy: PolicyName, context: PresetContext): KubeObject {
  const sel = modelSelector(context.namespace, context.model)
  switch (policy) {
    case 'queue':
      return scaledObject(context, policy, {
        triggers: [
          // llm-d's KEDA+EPP guide: queue size 1 and running requests 16 per replica (AverageValue), see
          // docs/scalers.md#presets.
          prometheusTrigger('queue', `sum(llm_d_epp_flow_control_queue_size{${sel}})`, '1'),
          prometheusTrigger('running', `sum(llm_d_epp_request_running{${sel}})`, '16'),
        ],
      })
    case 'saturation':
      return scaledObject(context, policy, {
        triggers: [
          // llm-d's KEDA+EPP guide, saturation overlay: pool saturation 0.7 and running requests 16 per replica, both
          // AverageValue (KEDA's default), see docs/scalers.md#presets.
          prometheusTrigger('saturation', `max(llm_d_epp_flow_control_pool_saturation{${sel}})`, '0.7'),
          prometheusTrigger('running', `sum(llm_d_epp_request_running{${sel}})`, '16'),
        ],
      })
    case 'token-aware':
      return scaledObject(context, policy, {
        triggers: [
          prometheusTrigger(
            'tokens',
            `sum(rate(vllm:prompt_tokens_total{${sel}}[1m])) / ${presetPeakPrefillTokensPerSecond}`,
            '0.8',
          ),
          prometheusTrigger('kv', `sum(vllm:kv_cache_usage_perc{${sel}})`, '0.8'),
        ],
      })
    case 'slo-aware': {
      const ttft =
        `histogram_quantile(0.9, sum by (le) (rate(vllm:time_to_first_token_seconds_bucket{${sel}}[5m]))) / ` +
        `${context.sloTtftMs / 1000}`
      const tpot =
        `histogram_quantile(0.9, sum by (le) (rate(vllm:inter_token_latency_seconds_bucket{${sel}}[5m]))) / ` +
        `${context.sloItlMs / 1000}`
      return scaledObject(context, policy, {
        triggers: [prometheusTrigger('ttft', ttft, '1'), prometheusTrigger('tpot', tpot, '1')],
        advanced: {
          scalingModifiers: {
            // Above the SLO: scale up in proportion; under half of it: scale down; in between: hold (hysteresis).
            formula: 'max(ttft, tpot) > 1 ? max(ttft, tpot) : (max(ttft, tpot) < 0.5 ? max(ttft, tpot) * 2 : 1)',
            target: '1',
            metricType: 'Value',
          },
        },
      })
    }
    case 'wva-v0.9':
      return {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: {name: `${context.name}@${policy}`, namespace: context.namespace},
        spec: {
          scaleTargetRef: context.target,
          minReplicas: Math.max(1, context.minReplicas),
          maxReplicas: context.maxReplicas,
          metrics: [
            {
              type: 'External',
              external: {
                metric: {
                  name: 'wva_desired_replicas',
                  selector: {matchLabels: {variant_name: context.target.name, exported_namespace: context.namespace}},
                },
                target: {type: 'AverageValue', averageValue: '1'},
              },
            },
          ],
        },
      }
  }
}
