import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {parseAllDocuments} from 'yaml'

import type {KubeObject} from '../../src/core/model/kube-object.js'
import {clusterFixture} from './kube-fixtures.js'
import {linearCounter, linearHistogram, OpenMetricsBuilder, timesBetween} from './openmetrics.js'
import {repoRoot} from './paths.js'

// The quickstart's VAs live: its cluster objects for the fake API server, and vLLM series for a backfilled Prometheus
// around quickstartAt (constant rates, so any --at within ±15 min reads the same load).

export const quickstartAt = new Date(1_700_003_600_000)
const atS = quickstartAt.getTime() / 1000

export function quickstartSeries(): string {
  const builder = new OpenMetricsBuilder()
  const times = timesBetween(atS - 900, atS + 900, 15)
  for (const pod of [
    {
      model: 'meta/llama-3.1-8b',
      pod: 'llama-8b-h100-0',
      rpm: 8200.5,
      input: 512.3,
      output: 250.9,
      ttft: 0.21,
      itl: 0.023,
    },
    {
      model: 'ibm/granite-13b',
      pod: 'granite-13b-l40s-0',
      rpm: 300.2,
      input: 1024,
      output: 180.4,
      ttft: 0.95,
      itl: 0.06,
    },
  ]) {
    const labels = {model_name: pod.model, namespace: 'llm', pod: pod.pod}
    const requestsPerS = pod.rpm / 60
    builder.counter('vllm:request_success', {...labels, finished_reason: 'stop'}, linearCounter(times, requestsPerS))
    const histogram = (name: string, mean: number, perRequest = 1) =>
      builder.histogram(
        name,
        labels,
        linearHistogram(times, {requestsPerS, meanObservation: mean, observationsPerRequest: perRequest}),
      )
    histogram('vllm:request_prompt_tokens', pod.input)
    histogram('vllm:request_generation_tokens', pod.output)
    histogram('vllm:time_to_first_token_seconds', pod.ttft)
    histogram('vllm:inter_token_latency_seconds', pod.itl, pod.output - 1)
  }
  return builder.toString()
}

export function quickstartObjects(): KubeObject[] {
  const text = readFileSync(join(repoRoot, 'examples', 'quickstart.yaml'), 'utf8')
  return [
    ...clusterFixture('crd-a-v0.0.4'),
    ...parseAllDocuments(text)
      .map((document) => document.toJS() as KubeObject)
      .filter((object) => object.kind !== 'MetricsSnapshot'),
  ]
}
