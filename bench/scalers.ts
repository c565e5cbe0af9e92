// Times the scaler replay of issue 14: a week at 1-minute steps (10,081 steps) for 50 scalers (HPAs legacy and with
// behavior, KEDA with one trigger, two triggers and a scalingModifiers formula), metrics in memory (a ScalerMetrics
// reader), through the same path as `kubectl va scalers NAME... --from --to`: sampling, readings, both controllers,
// summaries. The goal is < 5 s. Prints, never asserts. Run: npm run build && node dist/bench/scalers.js
import {performance} from 'node:perf_hooks'

import {recordedSeriesReader} from '../src/core/collect/scaler-series.js'
import type {KubeObject} from '../src/core/model/kube-object.js'
import {recordedReplicasQuery} from '../src/core/plan/scaler-queries.js'
import type {RecordedSeries} from '../src/core/read/manifests/scaler-metrics.js'
import {replayScalers} from '../src/core/run/scalers.js'

const scalerCount = 50
const stepMs = 60_000
const startMs = Date.parse('2026-08-03T00:00:00Z')
const steps = 7 * 1440 + 1
const namespace = 'bench'

/** A week of diurnal load with noise, different per scaler. */
function load(index: number, step: number): number {
  const day = Math.sin((2 * Math.PI * step) / 1440 - index / 7)
  const noise = Math.sin(step * 0.37 + index) * 0.15
  return Math.max(0, 1 + 0.8 * day + noise)
}

const objects: KubeObject[] = []
const names: string[] = []
/** The recorded series, handed to the reader (which keeps them compact) and not kept here. */
function recordedSeries(): RecordedSeries[] {
  const series: RecordedSeries[] = []
  for (let index = 0; index < scalerCount; index++) {
    const name = `model-${index}`
    const query = (trigger: string) => `sum(bench_${trigger}{deployment="${name}"})`
    const points = (scale: number) =>
      Array.from({length: steps}, (_, step) => ({
        timeMs: startMs + step * stepMs,
        value: Number((load(index, step) * scale).toFixed(3)),
      }))
    series.push({query: query('queue'), labels: {}, points: points(20)})
    series.push({query: query('kv'), labels: {}, points: points(1.5)})
    series.push({
      query: recordedReplicasQuery(namespace, 'Deployment', name),
      labels: {},
      points: [{timeMs: startMs, value: 2}],
    })
  }
  return series
}
for (let index = 0; index < scalerCount; index++) {
  const name = `model-${index}`
  names.push(name)
  objects.push({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {name, namespace, labels: {'llm-d.ai/model': `org/model-${index}`}},
    spec: {
      replicas: 2,
      template: {
        spec: {containers: [{name: 'vllm', image: 'vllm/vllm-openai', resources: {limits: {'nvidia.com/gpu': '1'}}}]},
      },
    },
  })
  const query = (trigger: string) => `sum(bench_${trigger}{deployment="${name}"})`
  const target = {apiVersion: 'apps/v1', kind: 'Deployment', name}
  const trigger = (name: string, threshold: string) => ({
    type: 'prometheus',
    name,
    metadata: {query: query(name), threshold},
  })
  switch (index % 5) {
    case 0:
    case 1:
      objects.push({
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: {name, namespace},
        spec: {
          scaleTargetRef: target,
          minReplicas: 1,
          maxReplicas: 20,
          metrics: [
            {
              type: 'External',
              external: {
                metric: {name: 'bench_queue', selector: {matchLabels: {deployment: name}}},
                target: {type: 'AverageValue', averageValue: '5'},
              },
            },
          ],
          ...(index % 5 === 1
            ? {
                behavior: {
                  scaleUp: {stabilizationWindowSeconds: 60, policies: [{type: 'Pods', value: 2, periodSeconds: 60}]},
                  scaleDown: {
                    stabilizationWindowSeconds: 600,
                    policies: [{type: 'Percent', value: 20, periodSeconds: 120}],
                  },
                },
              }
            : {}),
        },
      })
      break
    case 2:
      objects.push({
        apiVersion: 'keda.sh/v1alpha1',
        kind: 'ScaledObject',
        metadata: {name, namespace},
        spec: {scaleTargetRef: target, minReplicaCount: 0, maxReplicaCount: 20, triggers: [trigger('queue', '5')]},
      })
      break
    case 3:
      objects.push({
        apiVersion: 'keda.sh/v1alpha1',
        kind: 'ScaledObject',
        metadata: {name, namespace},
        spec: {
          scaleTargetRef: target,
          minReplicaCount: 1,
          maxReplicaCount: 20,
          triggers: [trigger('queue', '5'), trigger('kv', '0.8')],
        },
      })
      break
    default:
      objects.push({
        apiVersion: 'keda.sh/v1alpha1',
        kind: 'ScaledObject',
        metadata: {name, namespace},
        spec: {
          scaleTargetRef: target,
          minReplicaCount: 1,
          maxReplicaCount: 20,
          triggers: [trigger('queue', '5'), trigger('kv', '0.8')],
          advanced: {
            scalingModifiers: {
              formula: 'max(queue / 5, kv / 0.8) > 1 ? max(queue / 5, kv / 0.8) : 1',
              target: '1',
              metricType: 'Value',
            },
          },
        },
      })
  }
}

const reader = recordedSeriesReader('memory', recordedSeries())
const grid = {startMs, stepMs, count: steps}
const options = {
  grid,
  whatIf: {},
  policies: [],
  scalerFiles: [],
  sloTtftMs: null,
  sloItlMs: null,
  acceleratorsPerReplica: null,
} as const

console.log(
  `scalers: ${scalerCount} scalers × ${steps} steps (7 days at 1m), metrics in memory, node ${process.version}`,
)
const timings: number[] = []
const cpu: number[] = []
let last: Awaited<ReturnType<typeof replayScalers>> | undefined
for (let run = 0; run < 5; run++) {
  const start = performance.now()
  const startCpu = process.cpuUsage()
  last = await replayScalers({objects, names, namespace, reader}, options)
  const used = process.cpuUsage(startCpu)
  timings.push(performance.now() - start)
  cpu.push((used.user + used.system) / 1000)
}
const events = last!.view.items.reduce((sum, item) => sum + (item.variants[0]?.summary.scalingEvents ?? 0), 0)
console.log(
  `  replayed ${last!.view.items.length} scalers, ${last!.errors.length} errors, ${events} scaling events in all`,
)
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const seconds = (values: number[]) => values.map((ms) => (ms / 1000).toFixed(2)).join(', ')
console.log(
  `  whole replay, wall: median ${(median(timings) / 1000).toFixed(2)} s (runs ${seconds(timings)} s); goal < 5 s`,
)
console.log(
  `  whole replay, CPU (user + system, GC threads included): median ${(median(cpu) / 1000).toFixed(2)} s (runs ${seconds(cpu)} s)`,
)
