/**
 * Query templates copied verbatim from upstream WVA, internal/collector/registration/*.go at each tag (deanlorenz
 * fork of llm-d/llm-d-workload-variant-autoscaler; v0.9 = release-prep commit d5d58640). Adjacent Go string
 * literals joined with `+` are joined here too; the long strings are split only to keep lines short.
 * Extracted mechanically (every source.QueryTemplate{Name, Template} registered in the non-test files) and kept
 * as an independent copy: src/core/plan/wva-queries.ts builds its templates from smaller pieces, and the tests
 * compare the two byte for byte.
 */
export interface UpstreamTemplate {
  /** Registered name: the logical name, or `sglang/<logical>` for the v0.9 SGLang registrations. */
  name: string
  /** File under internal/collector/registration/. */
  file: string
  template: string
}

export const upstreamTemplates: Readonly<Record<string, readonly UpstreamTemplate[]>> = {
  // v0.5.0
  'v0.5.0': [
    {
      name: 'kv_cache_usage',
      file: 'saturation.go',
      template:
        `max by (pod) (max_over_time(vllm:kv_cache_usage_perc{namespace="{{.namespace}}",model_name="{{.m` +
        `odelID}}"}[1m]))`,
    },
    {
      name: 'queue_length',
      file: 'saturation.go',
      template:
        `max by (pod) (max_over_time(vllm:num_requests_waiting{namespace="{{.namespace}}",model_name="{{.` +
        `modelID}}"}[1m]))`,
    },
    {
      name: 'model_request_count',
      file: 'scale_to_zero.go',
      template:
        `sum(increase(vllm:request_success_total{namespace="{{.namespace}}",model_name="{{.modelID}}"}[{{` +
        `.retentionPeriod}}]))`,
    },
  ],
  // v0.5.1
  'v0.5.1': [
    {
      name: 'kv_cache_usage',
      file: 'saturation.go',
      template:
        `max by (pod) (max_over_time(vllm:kv_cache_usage_perc{namespace="{{.namespace}}",model_name="{{.m` +
        `odelID}}"}[1m]))`,
    },
    {
      name: 'queue_length',
      file: 'saturation.go',
      template:
        `max by (pod) (max_over_time(vllm:num_requests_waiting{namespace="{{.namespace}}",model_name="{{.` +
        `modelID}}"}[1m]))`,
    },
    {
      name: 'cache_config_info',
      file: 'saturation.go',
      template:
        `max by (pod, num_gpu_blocks, block_size) (vllm:cache_config_info{namespace="{{.namespace}}",mode` +
        `l_name="{{.modelID}}"})`,
    },
    {
      name: 'avg_output_tokens',
      file: 'saturation.go',
      template:
        `max by (pod) (rate(vllm:request_generation_tokens_sum{namespace="{{.namespace}}",model_name="{{.` +
        `modelID}}"}[5m]) / rate(vllm:request_generation_tokens_count{namespace="{{.namespace}}",model_na` +
        `me="{{.modelID}}"}[5m]))`,
    },
    {
      name: 'avg_input_tokens',
      file: 'saturation.go',
      template:
        `max by (pod) (rate(vllm:request_prompt_tokens_sum{namespace="{{.namespace}}",model_name="{{.mode` +
        `lID}}"}[5m]) / rate(vllm:request_prompt_tokens_count{namespace="{{.namespace}}",model_name="{{.m` +
        `odelID}}"}[5m]))`,
    },
    {
      name: 'prefix_cache_hit_rate',
      file: 'saturation.go',
      template:
        `max by (pod) (rate(vllm:prefix_cache_hits{namespace="{{.namespace}}",model_name="{{.modelID}}"}[` +
        `5m]) / rate(vllm:prefix_cache_queries{namespace="{{.namespace}}",model_name="{{.modelID}}"}[5m])` +
        `)`,
    },
    {
      name: 'scheduler_queue_size',
      file: 'saturation.go',
      template:
        `sum(inference_extension_flow_control_queue_size{target_model_name="{{.modelID}}"}) or sum(infere` +
        `nce_extension_flow_control_queue_size{model_name="{{.modelID}}",target_model_name=""})`,
    },
    {
      name: 'scheduler_queue_bytes',
      file: 'saturation.go',
      template:
        `sum(inference_extension_flow_control_queue_bytes{target_model_name="{{.modelID}}"}) or sum(infer` +
        `ence_extension_flow_control_queue_bytes{model_name="{{.modelID}}",target_model_name=""})`,
    },
    {
      name: 'model_request_count',
      file: 'scale_to_zero.go',
      template:
        `sum(increase(vllm:request_success_total{namespace="{{.namespace}}",model_name="{{.modelID}}"}[{{` +
        `.retentionPeriod}}]))`,
    },
  ],
  // v0.6.0
  'v0.6': [
    {
      name: 'scheduler_dispatch_rate',
      file: 'queueing_model.go',
      template:
        `sum by (pod_name, namespace) (rate(inference_extension_scheduler_attempts_total{status="success"` +
        `,namespace="{{.namespace}}",target_model_name="{{.modelID}}"}[1m])) or sum by (pod_name, namespa` +
        `ce) (rate(inference_extension_scheduler_attempts_total{status="success",namespace="{{.namespace}` +
        `}",model_name="{{.modelID}}",target_model_name=""}[1m]))`,
    },
    {
      name: 'avg_ttft',
      file: 'queueing_model.go',
      template:
        `max by (pod) (rate(vllm:time_to_first_token_seconds_sum{namespace="{{.namespace}}",model_name="{` +
        `{.modelID}}"}[1m]) / rate(vllm:time_to_first_token_seconds_count{namespace="{{.namespace}}",mode` +
        `l_name="{{.modelID}}"}[1m]))`,
    },
    {
      name: 'avg_itl',
      file: 'queueing_model.go',
      template:
        `max by (pod) (rate(vllm:time_per_output_token_seconds_sum{namespace="{{.namespace}}",model_name=` +
        `"{{.modelID}}"}[1m]) / rate(vllm:time_per_output_token_seconds_count{namespace="{{.namespace}}",` +
        `model_name="{{.modelID}}"}[1m]))`,
    },
    {
      name: 'kv_cache_usage',
      file: 'saturation.go',
      template:
        `max by (pod) (max_over_time(vllm:kv_cache_usage_perc{namespace="{{.namespace}}",model_name="{{.m` +
        `odelID}}"}[1m]))`,
    },
    {
      name: 'queue_length',
      file: 'saturation.go',
      template:
        `max by (pod) (max_over_time(vllm:num_requests_waiting{namespace="{{.namespace}}",model_name="{{.` +
        `modelID}}"}[1m]))`,
    },
    {
      name: 'cache_config_info',
      file: 'saturation.go',
      template:
        `max by (pod, num_gpu_blocks, block_size) (vllm:cache_config_info{namespace="{{.namespace}}",mode` +
        `l_name="{{.modelID}}"})`,
    },
    {
      name: 'avg_output_tokens',
      file: 'saturation.go',
      template:
        `max by (pod) (rate(vllm:request_generation_tokens_sum{namespace="{{.namespace}}",model_name="{{.` +
        `modelID}}"}[5m]) / rate(vllm:request_generation_tokens_count{namespace="{{.namespace}}",model_na` +
        `me="{{.modelID}}"}[5m]))`,
    },
    {
      name: 'avg_input_tokens',
      file: 'saturation.go',
      template:
        `max by (pod) (rate(vllm:request_prompt_tokens_sum{namespace="{{.namespace}}",model_name="{{.mode` +
        `lID}}"}[5m]) / rate(vllm:request_prompt_tokens_count{namespace="{{.namespace}}",model_name="{{.m` +
        `odelID}}"}[5m]))`,
    },
    {
      name: 'prefix_cache_hit_rate',
      file: 'saturation.go',
      template:
        `max by (pod) (rate(vllm:prefix_cache_hits{namespace="{{.namespace}}",model_name="{{.modelID}}"}[` +
        `5m]) / rate(vllm:prefix_cache_queries{namespace="{{.namespace}}",model_name="{{.modelID}}"}[5m])` +
        `)`,
    },
    {
      name: 'scheduler_queue_size',
      file: 'saturation.go',
      template:
        `sum(inference_extension_flow_control_queue_size{target_model_name="{{.modelID}}"}) or sum(infere` +
        `nce_extension_flow_control_queue_size{model_name="{{.modelID}}",target_model_name=""})`,
    },
    {
      name: 'scheduler_queue_bytes',
      file: 'saturation.go',
      template:
        `sum(inference_extension_flow_control_queue_bytes{target_model_name="{{.modelID}}"}) or sum(infer` +
        `ence_extension_flow_control_queue_bytes{model_name="{{.modelID}}",target_model_name=""})`,
    },
    {
      name: 'model_request_count',
      file: 'scale_to_zero.go',
      template:
        `sum(increase(vllm:request_success_total{namespace="{{.namespace}}",model_name="{{.modelID}}"}[{{` +
        `.retentionPeriod}}]))`,
    },
  ],
  // v0.7.0
  'v0.7': [
    {
      name: 'scheduler_dispatch_rate',
      file: 'queueing_model.go',
      template:
        `sum by (pod_name, namespace) (rate(inference_extension_scheduler_attempts_total{status="success"` +
        `,namespace="{{.namespace}}",target_model_name="{{.modelID}}"}[1m])) or sum by (pod_name, namespa` +
        `ce) (rate(inference_extension_scheduler_attempts_total{status="success",namespace="{{.namespace}` +
        `}",model_name="{{.modelID}}",target_model_name=""}[1m]))`,
    },
    {
      name: 'avg_ttft',
      file: 'queueing_model.go',
      template:
        `max by (pod) (rate(vllm:time_to_first_token_seconds_sum{namespace="{{.namespace}}",model_name="{` +
        `{.modelID}}"}[1m]) / rate(vllm:time_to_first_token_seconds_count{namespace="{{.namespace}}",mode` +
        `l_name="{{.modelID}}"}[1m]))`,
    },
    {
      name: 'avg_itl',
      file: 'queueing_model.go',
      template:
        `max by (pod) (rate(vllm:inter_token_latency_seconds_sum{namespace="{{.namespace}}",model_name="{` +
        `{.modelID}}"}[1m]) / rate(vllm:inter_token_latency_seconds_count{namespace="{{.namespace}}",mode` +
        `l_name="{{.modelID}}"}[1m]))`,
    },
    {
      name: 'kv_cache_usage',
      file: 'saturation.go',
      template:
        `max by (pod) (max_over_time(vllm:kv_cache_usage_perc{namespace="{{.namespace}}",model_name="{{.m` +
        `odelID}}"}[1m]))`,
    },
    {
      name: 'queue_length',
      file: 'saturation.go',
      template:
        `max by (pod) (max_over_time(vllm:num_requests_waiting{namespace="{{.namespace}}",model_name="{{.` +
        `modelID}}"}[1m]))`,
    },
    {
      name: 'cache_config_info',
      file: 'saturation.go',
      template:
        `max by (pod, num_gpu_blocks, block_size) (vllm:cache_config_info{namespace="{{.namespace}}",mode` +
        `l_name="{{.modelID}}"})`,
    },
    {
      name: 'avg_output_tokens',
      file: 'saturation.go',
      template:
        `max by (pod) (rate(vllm:request_generation_tokens_sum{namespace="{{.namespace}}",model_name="{{.` +
        `modelID}}"}[5m]) / rate(vllm:request_generation_tokens_count{namespace="{{.namespace}}",model_na` +
        `me="{{.modelID}}"}[5m]))`,
    },
    {
      name: 'avg_input_tokens',
      file: 'saturation.go',
      template:
        `max by (pod) (rate(vllm:request_prompt_tokens_sum{namespace="{{.namespace}}",model_name="{{.mode` +
        `lID}}"}[5m]) / rate(vllm:request_prompt_tokens_count{namespace="{{.namespace}}",model_name="{{.m` +
        `odelID}}"}[5m]))`,
    },
    {
      name: 'prefix_cache_hit_rate',
      file: 'saturation.go',
      template:
        `max by (pod) (rate(vllm:prefix_cache_hits{namespace="{{.namespace}}",model_name="{{.modelID}}"}[` +
        `5m]) / rate(vllm:prefix_cache_queries{namespace="{{.namespace}}",model_name="{{.modelID}}"}[5m])` +
        `)`,
    },
    {
      name: 'scheduler_queue_size',
      file: 'saturation.go',
      template:
        `sum(inference_extension_flow_control_queue_size{target_model_name="{{.modelID}}"}) or sum(infere` +
        `nce_extension_flow_control_queue_size{model_name="{{.modelID}}",target_model_name=""})`,
    },
    {
      name: 'scheduler_queue_bytes',
      file: 'saturation.go',
      template:
        `sum(inference_extension_flow_control_queue_bytes{target_model_name="{{.modelID}}"}) or sum(infer` +
        `ence_extension_flow_control_queue_bytes{model_name="{{.modelID}}",target_model_name=""})`,
    },
    {
      name: 'model_request_count',
      file: 'scale_to_zero.go',
      template:
        `sum(increase(vllm:request_success_total{namespace="{{.namespace}}",model_name="{{.modelID}}"}[{{` +
        `.retentionPeriod}}]))`,
    },
  ],
  // v0.8.0
  'v0.8': [
    {
      name: 'scheduler_dispatch_rate',
      file: 'queueing_model.go',
      template:
        `sum by (pod_name, port, namespace) (rate(inference_extension_scheduler_attempts_total{status="su` +
        `ccess",namespace="{{.namespace}}",target_model_name="{{.modelID}}"}[1m])) or sum by (pod_name, p` +
        `ort, namespace) (rate(inference_extension_scheduler_attempts_total{status="success",namespace="{` +
        `{.namespace}}",model_name="{{.modelID}}",target_model_name=""}[1m]))`,
    },
    {
      name: 'avg_ttft',
      file: 'queueing_model.go',
      template:
        `max by (instance, pod, llm_d_ai_variant) (rate(vllm:time_to_first_token_seconds_sum{namespace="{` +
        `{.namespace}}",model_name="{{.modelID}}"}[1m]) / rate(vllm:time_to_first_token_seconds_count{nam` +
        `espace="{{.namespace}}",model_name="{{.modelID}}"}[1m]))`,
    },
    {
      name: 'avg_itl',
      file: 'queueing_model.go',
      template:
        `max by (instance, pod, llm_d_ai_variant) (rate(vllm:inter_token_latency_seconds_sum{namespace="{` +
        `{.namespace}}",model_name="{{.modelID}}"}[1m]) / rate(vllm:inter_token_latency_seconds_count{nam` +
        `espace="{{.namespace}}",model_name="{{.modelID}}"}[1m]))`,
    },
    {
      name: 'kv_cache_usage',
      file: 'saturation.go',
      template:
        `max by (instance, pod, llm_d_ai_variant) (max_over_time(vllm:kv_cache_usage_perc{namespace="{{.n` +
        `amespace}}",model_name="{{.modelID}}"}[1m]))`,
    },
    {
      name: 'queue_length',
      file: 'saturation.go',
      template:
        `max by (instance, pod, llm_d_ai_variant) (max_over_time(vllm:num_requests_waiting{namespace="{{.` +
        `namespace}}",model_name="{{.modelID}}"}[1m]))`,
    },
    {
      name: 'cache_config_info',
      file: 'saturation.go',
      template:
        `max by (instance, pod, llm_d_ai_variant, num_gpu_blocks, block_size) (vllm:cache_config_info{nam` +
        `espace="{{.namespace}}"})`,
    },
    {
      name: 'avg_output_tokens',
      file: 'saturation.go',
      template:
        `max by (instance, pod, llm_d_ai_variant) (rate(vllm:request_generation_tokens_sum{namespace="{{.` +
        `namespace}}",model_name="{{.modelID}}"}[5m]) / rate(vllm:request_generation_tokens_count{namespa` +
        `ce="{{.namespace}}",model_name="{{.modelID}}"}[5m]))`,
    },
    {
      name: 'avg_input_tokens',
      file: 'saturation.go',
      template:
        `max by (instance, pod, llm_d_ai_variant) (rate(vllm:request_prompt_tokens_sum{namespace="{{.name` +
        `space}}",model_name="{{.modelID}}"}[5m]) / rate(vllm:request_prompt_tokens_count{namespace="{{.n` +
        `amespace}}",model_name="{{.modelID}}"}[5m]))`,
    },
    {
      name: 'prefix_cache_hit_rate',
      file: 'saturation.go',
      template:
        `max by (instance, pod, llm_d_ai_variant) (rate(vllm:prefix_cache_hits{namespace="{{.namespace}}"` +
        `,model_name="{{.modelID}}"}[5m]) / rate(vllm:prefix_cache_queries{namespace="{{.namespace}}",mod` +
        `el_name="{{.modelID}}"}[5m]))`,
    },
    {
      name: 'scheduler_queue_size',
      file: 'saturation.go',
      template:
        `sum(inference_extension_flow_control_queue_size{target_model_name="{{.modelID}}"}) or sum(infere` +
        `nce_extension_flow_control_queue_size{model_name="{{.modelID}}",target_model_name=""})`,
    },
    {
      name: 'scheduler_queue_bytes',
      file: 'saturation.go',
      template:
        `sum(inference_extension_flow_control_queue_bytes{target_model_name="{{.modelID}}"}) or sum(infer` +
        `ence_extension_flow_control_queue_bytes{model_name="{{.modelID}}",target_model_name=""})`,
    },
    {
      name: 'model_request_count',
      file: 'scale_to_zero.go',
      template:
        `sum(increase(vllm:request_success_total{namespace="{{.namespace}}",model_name="{{.modelID}}"}[{{` +
        `.retentionPeriod}}]))`,
    },
    {
      name: 'generation_token_rate',
      file: 'throughput_analyzer.go',
      template:
        `sum by (instance, pod, llm_d_ai_variant) (rate(vllm:request_generation_tokens_sum{namespace="{{.` +
        `namespace}}",model_name="{{.modelID}}"}[1m]))`,
    },
    {
      name: 'kv_usage_instant',
      file: 'throughput_analyzer.go',
      template:
        `max by (instance, pod, llm_d_ai_variant) (vllm:kv_cache_usage_perc{namespace="{{.namespace}}",mo` +
        `del_name="{{.modelID}}"})`,
    },
    {
      name: 'vllm_request_rate',
      file: 'throughput_analyzer.go',
      template:
        `sum by (instance, pod, llm_d_ai_variant) (rate(vllm:request_generation_tokens_count{namespace="{` +
        `{.namespace}}",model_name="{{.modelID}}"}[1m]))`,
    },
  ],
  // d5d58640 (v0.9.0)
  'v0.9': [
    {
      name: 'scheduler_dispatch_rate',
      file: 'queueing_model.go',
      template:
        `sum by (pod_name, port, namespace) (rate(inference_extension_scheduler_attempts_total{status="su` +
        `ccess",namespace="{{.namespace}}",target_model_name="{{.modelID}}"}[1m])) or sum by (pod_name, p` +
        `ort, namespace) (rate(inference_extension_scheduler_attempts_total{status="success",namespace="{` +
        `{.namespace}}",model_name="{{.modelID}}",target_model_name=""}[1m]))`,
    },
    {
      name: 'avg_ttft',
      file: 'queueing_model.go',
      template:
        `max by (instance, pod, llm_d_ai_variant) (rate(vllm:time_to_first_token_seconds_sum{namespace="{` +
        `{.namespace}}",model_name="{{.modelID}}"}[1m]) / rate(vllm:time_to_first_token_seconds_count{nam` +
        `espace="{{.namespace}}",model_name="{{.modelID}}"}[1m]))`,
    },
    {
      name: 'avg_itl',
      file: 'queueing_model.go',
      template:
        `max by (instance, pod, llm_d_ai_variant) (rate(vllm:inter_token_latency_seconds_sum{namespace="{` +
        `{.namespace}}",model_name="{{.modelID}}"}[1m]) / rate(vllm:inter_token_latency_seconds_count{nam` +
        `espace="{{.namespace}}",model_name="{{.modelID}}"}[1m]))`,
    },
    {
      name: 'sglang/avg_ttft',
      file: 'queueing_model.go',
      template:
        `max by (instance, pod, llm_d_ai_variant) (rate(sglang:time_to_first_token_seconds_sum{namespace=` +
        `"{{.namespace}}",model_name="{{.modelID}}"}[1m]) / rate(sglang:time_to_first_token_seconds_count` +
        `{namespace="{{.namespace}}",model_name="{{.modelID}}"}[1m]))`,
    },
    {
      name: 'sglang/avg_itl',
      file: 'queueing_model.go',
      template:
        `max by (instance, pod, llm_d_ai_variant) (rate(sglang:inter_token_latency_seconds_sum{namespace=` +
        `"{{.namespace}}",model_name="{{.modelID}}"}[1m]) / rate(sglang:inter_token_latency_seconds_count` +
        `{namespace="{{.namespace}}",model_name="{{.modelID}}"}[1m]))`,
    },
    {
      name: 'kv_cache_usage',
      file: 'saturation.go',
      template:
        `max by (instance, pod, llm_d_ai_variant) (max_over_time(vllm:kv_cache_usage_perc{namespace="{{.n` +
        `amespace}}",model_name="{{.modelID}}"}[1m]))`,
    },
    {
      name: 'queue_length',
      file: 'saturation.go',
      template:
        `max by (instance, pod, llm_d_ai_variant) (max_over_time(vllm:num_requests_waiting{namespace="{{.` +
        `namespace}}",model_name="{{.modelID}}"}[1m]))`,
    },
    {
      name: 'cache_config_info',
      file: 'saturation.go',
      template:
        `max by (instance, pod, llm_d_ai_variant, num_gpu_blocks, block_size) (vllm:cache_config_info{nam` +
        `espace="{{.namespace}}"})`,
    },
    {
      name: 'avg_output_tokens',
      file: 'saturation.go',
      template:
        `max by (instance, pod, llm_d_ai_variant) (rate(vllm:request_generation_tokens_sum{namespace="{{.` +
        `namespace}}",model_name="{{.modelID}}"}[5m]) / rate(vllm:request_generation_tokens_count{namespa` +
        `ce="{{.namespace}}",model_name="{{.modelID}}"}[5m]))`,
    },
    {
      name: 'avg_input_tokens',
      file: 'saturation.go',
      template:
        `max by (instance, pod, llm_d_ai_variant) (rate(vllm:request_prompt_tokens_sum{namespace="{{.name` +
        `space}}",model_name="{{.modelID}}"}[5m]) / rate(vllm:request_prompt_tokens_count{namespace="{{.n` +
        `amespace}}",model_name="{{.modelID}}"}[5m]))`,
    },
    {
      name: 'prefix_cache_hit_rate',
      file: 'saturation.go',
      template:
        `max by (instance, pod, llm_d_ai_variant) (rate(vllm:prefix_cache_hits{namespace="{{.namespace}}"` +
        `,model_name="{{.modelID}}"}[5m]) / rate(vllm:prefix_cache_queries{namespace="{{.namespace}}",mod` +
        `el_name="{{.modelID}}"}[5m]))`,
    },
    {
      name: 'scheduler_queue_size',
      file: 'saturation.go',
      template:
        `sum(inference_extension_flow_control_queue_size{target_model_name="{{.modelID}}"}) or sum(infere` +
        `nce_extension_flow_control_queue_size{model_name="{{.modelID}}",target_model_name=""})`,
    },
    {
      name: 'scheduler_queue_bytes',
      file: 'saturation.go',
      template:
        `sum(inference_extension_flow_control_queue_bytes{target_model_name="{{.modelID}}"}) or sum(infer` +
        `ence_extension_flow_control_queue_bytes{model_name="{{.modelID}}",target_model_name=""})`,
    },
    {
      name: 'sglang/kv_cache_usage',
      file: 'saturation.go',
      template:
        `max by (instance, pod, llm_d_ai_variant) (max_over_time(sglang:token_usage{namespace="{{.namespa` +
        `ce}}",model_name="{{.modelID}}"}[1m]))`,
    },
    {
      name: 'sglang/queue_length',
      file: 'saturation.go',
      template:
        `max by (instance, pod, llm_d_ai_variant) (max_over_time(sglang:num_queue_reqs{namespace="{{.name` +
        `space}}",model_name="{{.modelID}}"}[1m]))`,
    },
    {
      name: 'sglang/cache_config_info',
      file: 'saturation.go',
      template:
        `max by (instance, pod, llm_d_ai_variant) (sglang:max_total_num_tokens{namespace="{{.namespace}}"` +
        `,model_name="{{.modelID}}"})`,
    },
    {
      name: 'sglang/avg_output_tokens',
      file: 'saturation.go',
      template:
        `max by (instance, pod, llm_d_ai_variant) (rate(sglang:generation_tokens_histogram_sum{namespace=` +
        `"{{.namespace}}",model_name="{{.modelID}}"}[5m]) / rate(sglang:generation_tokens_histogram_count` +
        `{namespace="{{.namespace}}",model_name="{{.modelID}}"}[5m]))`,
    },
    {
      name: 'sglang/avg_input_tokens',
      file: 'saturation.go',
      template:
        `max by (instance, pod, llm_d_ai_variant) (rate(sglang:prompt_tokens_histogram_sum{namespace="{{.` +
        `namespace}}",model_name="{{.modelID}}"}[5m]) / rate(sglang:prompt_tokens_histogram_count{namespa` +
        `ce="{{.namespace}}",model_name="{{.modelID}}"}[5m]))`,
    },
    {
      name: 'sglang/prefix_cache_hit_rate',
      file: 'saturation.go',
      template:
        `sum by (instance, pod, llm_d_ai_variant) (rate(sglang:cached_tokens_total{namespace="{{.namespac` +
        `e}}",model_name="{{.modelID}}"}[5m])) / sum by (instance, pod, llm_d_ai_variant) (rate(sglang:pr` +
        `ompt_tokens_total{namespace="{{.namespace}}",model_name="{{.modelID}}"}[5m]))`,
    },
    {
      name: 'model_request_count',
      file: 'scale_to_zero.go',
      template:
        `sum(increase(vllm:request_success_total{namespace="{{.namespace}}",model_name="{{.modelID}}"}[{{` +
        `.retentionPeriod}}]))`,
    },
    {
      name: 'sglang/model_request_count',
      file: 'scale_to_zero.go',
      template:
        `sum(increase(sglang:num_requests_total{namespace="{{.namespace}}",model_name="{{.modelID}}"}[{{.` +
        `retentionPeriod}}]))`,
    },
    {
      name: 'generation_token_rate',
      file: 'throughput_analyzer.go',
      template:
        `sum by (instance, pod, llm_d_ai_variant) (rate(vllm:request_generation_tokens_sum{namespace="{{.` +
        `namespace}}",model_name="{{.modelID}}"}[1m]))`,
    },
    {
      name: 'kv_usage_instant',
      file: 'throughput_analyzer.go',
      template:
        `max by (instance, pod, llm_d_ai_variant) (vllm:kv_cache_usage_perc{namespace="{{.namespace}}",mo` +
        `del_name="{{.modelID}}"})`,
    },
    {
      name: 'request_rate',
      file: 'throughput_analyzer.go',
      template:
        `sum by (instance, pod, llm_d_ai_variant) (rate(vllm:request_generation_tokens_count{namespace="{` +
        `{.namespace}}",model_name="{{.modelID}}"}[1m]))`,
    },
    {
      name: 'model_arrival_rate',
      file: 'throughput_analyzer.go',
      template:
        `sum by (namespace) (rate(inference_extension_scheduler_attempts_total{status="success",namespace` +
        `="{{.namespace}}",target_model_name="{{.modelID}}"}[1m]))`,
    },
    {
      name: 'sglang/generation_token_rate',
      file: 'throughput_analyzer.go',
      template:
        `sum by (instance, pod, llm_d_ai_variant) (rate(sglang:generation_tokens_histogram_sum{namespace=` +
        `"{{.namespace}}",model_name="{{.modelID}}"}[1m]))`,
    },
    {
      name: 'sglang/kv_usage_instant',
      file: 'throughput_analyzer.go',
      template:
        `max by (instance, pod, llm_d_ai_variant) (sglang:token_usage{namespace="{{.namespace}}",model_na` +
        `me="{{.modelID}}"})`,
    },
    {
      name: 'sglang/request_rate',
      file: 'throughput_analyzer.go',
      template:
        `sum by (instance, pod, llm_d_ai_variant) (rate(sglang:generation_tokens_histogram_count{namespac` +
        `e="{{.namespace}}",model_name="{{.modelID}}"}[1m]))`,
    },
  ],
}
