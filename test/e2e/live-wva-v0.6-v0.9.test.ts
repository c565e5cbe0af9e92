import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {test} from 'node:test'

import type {KubeObject} from '../../src/core/model/kube-object.js'
import {assertPinnedOutput} from '../support/expected-output.js'
import {startFakeApiServer} from '../support/fake-api-server.js'
import {clusterFixture} from '../support/kube-fixtures.js'
import {OpenMetricsBuilder, timesBetween} from '../support/openmetrics.js'
import {startPrometheus} from '../support/prometheus.js'
import {cleanEnv, kubectlVa} from '../support/run-cli.js'

// WVA v0.6 (VariantAutoscaling CRD with min/max replicas) and v0.9 (no VA CRD: annotated HPAs and ScaledObjects),
// each with saturation V2 selected by an analyzers: list, per-pod vLLM series in a real Prometheus.
const at = new Date(1_700_003_600_000)
const times = timesBetween(at.getTime() / 1000 - 600, at.getTime() / 1000 + 60, 15)
const created = new Date(Date.now() - 3 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z')

/** v0.8 is a cluster mid-migration: VAs (even variants) and annotated HPAs (odd ones) side by side. */
type Release = 'v0.6' | 'v0.7' | 'v0.8' | 'v0.9'

/** Whether variant `index` is a VariantAutoscaling (else an annotated HPA or ScaledObject) at `release`. */
function isVa(release: Release, index: number): boolean {
  return release === 'v0.6' || release === 'v0.7' || (release === 'v0.8' && index % 2 === 0)
}

function kindOf(release: Release, index: number): string {
  if (isVa(release, index)) return 'VariantAutoscaling'
  return release === 'v0.9' && index % 2 === 1 ? 'ScaledObject' : 'HorizontalPodAutoscaler'
}

/** Variant i: model org/model-(i/2), accelerator H100 for even i and A100 for odd i, two pods. */
function variantName(index: number): string {
  return `model-${Math.floor(index / 2)}-${index % 2 === 0 ? 'h100' : 'a100'}`
}

/** Model 0 runs hot (KV 0.92 / 0.88 on every pod), model 1 cold (0.30 / 0.25), and so on. */
function kvOf(index: number, pod: number): number {
  return Math.floor(index / 2) % 2 === 0 ? [0.92, 0.88][pod]! : [0.3, 0.25][pod]!
}

function objects(release: Release, count: number): KubeObject[] {
  const out: KubeObject[] = [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'workload-variant-autoscaler-controller-manager',
        namespace: 'wva-system',
        labels: {'control-plane': 'controller-manager', 'app.kubernetes.io/name': 'workload-variant-autoscaler'},
      },
      spec: {
        replicas: 1,
        template: {
          spec: {
            containers: [{name: 'manager', image: `ghcr.io/llm-d/llm-d-workload-variant-autoscaler:${release}.0`}],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {name: 'wva-saturation-scaling-config', namespace: 'wva-system'},
      data: {
        default:
          'kvCacheThreshold: 0.8\nqueueLengthThreshold: 5\nkvSpareTrigger: 0.1\nqueueSpareTrigger: 3\n' +
          'analyzers:\n- name: saturation\n',
      },
    },
  ]
  for (let index = 0; index < count; index++) {
    const name = variantName(index)
    const modelID = `org/model-${Math.floor(index / 2)}`
    const gpu = index % 2 === 0 ? 'NVIDIA-H100-80GB-HBM3' : 'NVIDIA-A100-SXM4-80GB'
    out.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {name, namespace: 'llm', creationTimestamp: created},
      spec: {
        replicas: 2,
        selector: {matchLabels: {app: name}},
        template: {
          metadata: {labels: {app: name, 'llm-d.ai/variant': name}},
          spec: {
            nodeSelector: {'nvidia.com/gpu.product': gpu},
            containers: [
              {
                name: 'vllm',
                image: 'vllm/vllm-openai:v0.11.0',
                args: ['--model', modelID, '--max-num-seqs', '256'],
                resources: {limits: {'nvidia.com/gpu': '1'}},
              },
            ],
          },
        },
      },
      status: {replicas: 2, readyReplicas: 2},
    })
    const cost = index % 2 === 0 ? '40.0' : '25.5'
    if (isVa(release, index)) {
      out.push({
        apiVersion: 'llmd.ai/v1alpha1',
        kind: 'VariantAutoscaling',
        metadata: {name, namespace: 'llm', creationTimestamp: created},
        spec: {
          scaleTargetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name},
          modelID,
          variantCost: cost,
          ...(index % 2 === 0 ? {maxReplicas: 4} : {}),
        },
        ...(index === 0 ? {status: {desiredOptimizedAlloc: {numReplicas: 2, lastRunTime: created}}} : {}),
      })
    } else {
      const annotations = {'llm-d.ai/managed': 'true', 'llm-d.ai/model-id': modelID, 'llm-d.ai/variant-cost': cost}
      out.push(
        kindOf(release, index) === 'HorizontalPodAutoscaler'
          ? {
              apiVersion: 'autoscaling/v2',
              kind: 'HorizontalPodAutoscaler',
              metadata: {name, namespace: 'llm', annotations, creationTimestamp: created},
              spec: {
                scaleTargetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name},
                minReplicas: 1,
                maxReplicas: 4,
                metrics: [
                  {
                    type: 'External',
                    external: {
                      metric: {name: 'wva_desired_replicas', selector: {matchLabels: {variant_name: name}}},
                      target: {type: 'AverageValue', averageValue: '1'},
                    },
                  },
                ],
              },
              status: {currentReplicas: 2, desiredReplicas: 2},
            }
          : {
              apiVersion: 'keda.sh/v1alpha1',
              kind: 'ScaledObject',
              metadata: {name, namespace: 'llm', annotations, creationTimestamp: created},
              spec: {
                scaleTargetRef: {name},
                minReplicaCount: 1,
                maxReplicaCount: 6,
                triggers: [{type: 'prometheus', metadata: {query: `wva_desired_replicas{variant_name="${name}"}`}}],
              },
            },
      )
    }
  }
  out.push({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {name: `${variantName(0)}.17a2b3c4`, namespace: 'llm', creationTimestamp: created},
    involvedObject: {kind: 'VariantAutoscaling', name: variantName(0), namespace: 'llm'},
    type: 'Normal',
    reason: 'ScaledUp',
    message: 'Scaled up from 1 to 2 replicas',
    count: 3,
    lastTimestamp: created,
  })
  return [...crds(release), ...out]
}

/** v0.6/v0.7: the CRD with min/max; v0.8: the same CRD with its version deprecated; v0.9: none, KEDA's instead. */
function crds(release: Release): KubeObject[] {
  if (release === 'v0.9') return clusterFixture('crd-keda-scaledobjects')
  const [crd] = clusterFixture('crd-d-v0.6')
  if (release === 'v0.8') {
    const versions = (crd!.spec as {versions: Array<Record<string, unknown>>}).versions
    versions[0]!.deprecated = true
  }
  return [crd!]
}

function series(count: number): string {
  const builder = new OpenMetricsBuilder()
  for (let index = 0; index < count; index++) {
    const name = variantName(index)
    for (const pod of [0, 1]) {
      const podName = `${name}-7c9d8f-${pod}`
      const labels = {
        namespace: 'llm',
        model_name: `org/model-${Math.floor(index / 2)}`,
        pod: podName,
        llm_d_ai_variant: name,
      }
      const constant = (v: number) => times.map((t) => ({t, v}))
      builder.gauge('vllm:kv_cache_usage_perc', labels, constant(kvOf(index, pod)))
      builder.gauge('vllm:num_requests_waiting', labels, constant(pod))
      builder.gauge('vllm:cache_config_info', {...labels, num_gpu_blocks: '4096', block_size: '16'}, constant(1))
    }
  }
  // The controller's gauge, scraped without honorLabels: the variant's namespace is exported_namespace.
  builder.gauge(
    'wva_desired_replicas',
    {variant_name: variantName(0), exported_namespace: 'llm', namespace: 'wva-system', accelerator_type: 'H100'},
    times.map((t) => ({t, v: 3})),
  )
  return builder.toString()
}

async function cluster(t: test.TestContext, release: Release, count: number) {
  const [api, prom] = await Promise.all([
    startFakeApiServer(t, objects(release, count)),
    startPrometheus(t, {openmetrics: series(count)}),
  ])
  const env = cleanEnv({KUBECONFIG: api.writeKubeconfig({namespace: 'llm'}), KUBECTL_VA_PROM_URL: prom.url})
  return {api, env}
}

const atFlag = `--at=${at.toISOString()}`

for (const release of ['v0.6', 'v0.7', 'v0.8', 'v0.9'] as const) {
  test(`live ${release}: get -A lists the variants decided by saturation V2, read-only`, async (t) => {
    const {api, env} = await cluster(t, release, 4)
    const run = await kubectlVa(['get', '-A', atFlag], {env})
    assert.equal(run.stderr, '')
    assert.equal(run.code, 0)
    assertPinnedOutput(run.stdout, `live-wva-${release}-get`)
    const wide = await kubectlVa(['get', '-A', atFlag, '-o', 'wide'], {env})
    assert.equal(wide.code, 0, wide.stderr)
    assertPinnedOutput(wide.stdout, `live-wva-${release}-get-wide`)
    assert.deepEqual(
      api.requests.filter((request) => request.method !== 'GET'),
      [],
    )
    const json = JSON.parse((await kubectlVa(['get', '-A', atFlag, '-o', 'json'], {env})).stdout)
    const items: any[] = json.items
    assert.deepEqual(
      items.map((item) => [item.name, item.engine, item.variant.release, item.variant.kind]),
      [1, 0, 3, 2].map((index) => [variantName(index), 'saturation-v2', release, kindOf(release, index)]),
    )
    // Model 0: KV 0.92 / 0.88 of 4096 x 16 tokens per pod against 0.8 x 0.85: it scales up; model 1 scales down.
    const total = (model: string) =>
      items.filter((item) => item.modelID === model).reduce((sum, item) => sum + item.recomputed.replicas, 0)
    assert.ok(total('org/model-0') > 4, `model 0 scales up: ${total('org/model-0')}`)
    assert.ok(total('org/model-1') < 4, `model 1 scales down: ${total('org/model-1')}`)
    for (const item of items) {
      assert.ok(
        item.recomputed.replicas >= item.variant.minReplicas && item.recomputed.replicas <= item.variant.maxReplicas,
      )
    }

    const describe = await kubectlVa(['describe', variantName(0), atFlag, '--show-queries'], {env})
    assert.equal(describe.code, 0, describe.stderr)
    assert.match(describe.stdout, new RegExp(`^ {2}Engine:\\s+saturation-v2 \\(WVA ${release}\\)$`, 'm'))
    assert.match(describe.stdout, /^Min\/max replicas:\s+1 \/ 4$/m)
    // The release's own PromQL: v0.8 dropped the model filter of cache_config_info and grouped by variant.
    const early = release === 'v0.6' || release === 'v0.7'
    const cacheConfig =
      `max by (${early ? 'pod' : 'instance, pod, llm_d_ai_variant'}, num_gpu_blocks, block_size) ` +
      `(vllm:cache_config_info{namespace="llm"${early ? ',model_name="org/model-0"' : ''}})`
    assert.ok(describe.stdout.includes(`    ${cacheConfig}\n`), describe.stdout)
    assert.match(describe.stdout, /^Controller gauges:\n {2}wva_desired_replicas\s+3$/m)
    assert.match(
      describe.stdout,
      /^Events:\n {2}Type\s+Reason\s+Age\s+Object\s+From\s+Message\n.*\n {2}Normal\s+ScaledUp\s+3d \(x3\)/m,
    )
    if (!isVa(release, 0)) {
      assert.match(describe.stdout, /^ {2}Triggers:\s+External wva_desired_replicas$/m)
      assert.match(describe.stdout, /^ {2}Status:\s+2 current \| 2 desired$/m)
    } else assert.match(describe.stdout, /^ {2}Desired replicas:\s+2$/m)

    // snapshot writes what V2 read; simulate -f decides the same offline.
    const snapshot = await kubectlVa(['snapshot', atFlag], {env})
    assert.equal(snapshot.code, 0, snapshot.stderr)
    assert.match(snapshot.stdout, /numGpuBlocks: 4096/)
    const dir = mkdtempSync(join(tmpdir(), 'kva-wva-'))
    t.after(() => rmSync(dir, {recursive: true, force: true}))
    writeFileSync(join(dir, 'snapshot.yaml'), snapshot.stdout)
    const decisions = (run: {stdout: string}) =>
      JSON.parse(run.stdout).items.map((item: any) => [
        item.name,
        item.engine,
        item.variant.kind,
        item.desired?.replicas,
      ])
    const offline = await kubectlVa(['simulate', '-f', join(dir, 'snapshot.yaml'), '-o', 'json'], {env: cleanEnv()})
    assert.equal(offline.code, 0, offline.stderr)
    const live = await kubectlVa(['simulate', '-A', atFlag, '-o', 'json'], {env})
    assert.deepEqual(decisions(offline), decisions(live))
  })

  test(`live ${release}: the API requests are the same for 2 and 12 variants`, async (t) => {
    const counts: number[] = []
    for (const count of [2, 12]) {
      const {api, env} = await cluster(t, release, count)
      const run = await kubectlVa(['get', '-A', atFlag, '-o', 'json'], {env})
      assert.equal(run.code, 0, run.stderr)
      assert.equal(JSON.parse(run.stdout).items.length, count)
      assert.ok(api.requests.every((request) => request.method === 'GET'))
      counts.push(api.requests.length)
    }
    assert.equal(counts[0], counts[1], `API requests for 2 and 12 variants: ${counts.join(' vs ')}`)
  })
}

test('live v0.9: a variant without a managed annotation is no variant; no VA CRD is no error', async (t) => {
  const all = objects('v0.9', 2)
  const plain = all.find((object) => object.kind === 'HorizontalPodAutoscaler')!
  plain.metadata!.annotations = {'llm-d.ai/managed': 'false', 'llm-d.ai/model-id': 'org/model-0'}
  const [api] = await Promise.all([startFakeApiServer(t, all)])
  const env = cleanEnv({KUBECONFIG: api.writeKubeconfig({namespace: 'llm'})})
  const run = await kubectlVa(['get', '-A', '--no-metrics', '-o', 'name'], {env})
  assert.equal(run.code, 0, run.stderr)
  assert.equal(run.stdout, 'scaledobject.keda.sh/model-0-a100\n')
})
