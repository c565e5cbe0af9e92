import assert from 'node:assert/strict'
import {test} from 'node:test'

import {parseV2SaturationConfigMap} from '../../../src/core/decide/wva-variants/config-maps.js'
import {decideWvaVariants, type WvaDecideInput} from '../../../src/core/decide/wva-variants/decide.js'
import {decideSaturationV2Model} from '../../../src/core/decide/saturation-v2/engine.js'
import type {KubeObject} from '../../../src/core/model/kube-object.js'
import type {PodMetrics} from '../../../src/core/model/metrics.js'
import {parseManagedScaler, parseShapeDVariant, type WvaVariant} from '../../../src/core/model/wva-variant.js'

function deployment(name: string, replicas: number, gpu: string, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {name, namespace: 'llm'},
    spec: {
      replicas,
      template: {
        spec: {
          nodeSelector: {'nvidia.com/gpu.product': gpu},
          containers: [
            {
              name: 'vllm',
              image: 'vllm/vllm-openai:v0.11.0',
              args: ['--model', 'meta/llama', '--max-num-seqs', '128', '--max-num-batched-tokens', '4096'],
              resources: {limits: {'nvidia.com/gpu': 1}},
            },
          ],
        },
      },
      ...extra,
    },
    status: {replicas, readyReplicas: replicas},
  }
}

function shapeD(name: string, cost: string, bounds: {min?: number; max?: number} = {}): WvaVariant {
  const parsed = parseShapeDVariant({
    apiVersion: 'llmd.ai/v1alpha1',
    kind: 'VariantAutoscaling',
    metadata: {name, namespace: 'llm'},
    spec: {
      scaleTargetRef: {kind: 'Deployment', name},
      modelID: 'meta/llama',
      variantCost: cost,
      ...(bounds.min === undefined ? {} : {minReplicas: bounds.min}),
      ...(bounds.max === undefined ? {} : {maxReplicas: bounds.max}),
    },
  })
  assert.ok(parsed.ok)
  return parsed.variant
}

function saturationConfigMap(defaultEntry: string, extra: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {name: 'wva-saturation-scaling-config', namespace: 'wva-system'},
    data: {default: defaultEntry, ...extra},
  }
}

const v2Default = `kvCacheThreshold: 0.8
queueLengthThreshold: 5
kvSpareTrigger: 0.1
queueSpareTrigger: 3
analyzers:
- name: saturation
`

function pods(deploymentName: string, count: number, kv: number, queue = 0): PodMetrics[] {
  return Array.from({length: count}, (_, index) => ({
    namespace: 'llm',
    name: `${deploymentName}-7d9f-${index}`,
    deployment: deploymentName,
    modelID: 'meta/llama',
    kvCacheUsage: kv,
    queueLength: queue,
    numGpuBlocks: 1000,
    blockSize: 16,
    avgInputTokens: 500.7,
    avgOutputTokens: 200,
    prefixCacheHitRate: 0,
  }))
}

function input(overrides: Partial<WvaDecideInput>): WvaDecideInput {
  return {
    release: 'v0.6',
    variants: [shapeD('llama-h100', '40.0', {max: 6})],
    targets: [deployment('llama-h100', 2, 'H100')],
    configMaps: [saturationConfigMap(v2Default)],
    pods: pods('llama-h100', 2, 0.95, 4),
    ...overrides,
  }
}

test('an analyzers: list selects V2; the adaptor feeds the engine exactly what the controller collects', () => {
  const result = decideWvaVariants(input({}))
  assert.deepEqual(result.selection, {engine: 'saturation-v2', optimizer: 'cost-aware'})
  const [decision] = result.decisions
  assert.ok(decision)
  // The same model fed by hand: tokensInUse = round(kv x blocks x blockSize), queue truncated, cost from the VA.
  const direct = decideSaturationV2Model(
    {
      modelId: 'meta/llama',
      namespace: 'llm',
      config: {kvCacheThreshold: 0.8, queueLengthThreshold: 5, scaleUpThreshold: 0.85, scaleDownBoundary: 0.7},
      variants: [
        {
          variantName: 'llama-h100',
          acceleratorName: 'H100',
          currentReplicas: 2,
          pendingReplicas: 0,
          gpusPerReplica: 1,
          role: 'both',
          minReplicas: 1,
          maxReplicas: 6,
          engineArgs: ['--model', 'meta/llama', '--max-num-seqs', '128', '--max-num-batched-tokens', '4096'],
          engineImage: 'vllm/vllm-openai:v0.11.0',
        },
      ],
      replicaMetrics: [0, 1].map((index) => ({
        podName: `llama-h100-7d9f-${index}`,
        variantName: 'llama-h100',
        acceleratorName: 'H100',
        cost: 40,
        kvCacheUsage: 0.95,
        queueLength: 4,
        numGpuBlocks: 1000,
        blockSize: 16,
        totalKvCapacityTokens: 16000,
        tokensInUse: 15200,
        avgInputTokens: 500.7,
        avgOutputTokens: 200,
        prefixCacheHitRate: 0,
      })),
    },
    'v0.6',
  )
  const target = direct.decisions[0]?.targetReplicas
  assert.ok(target !== undefined && target > 2, `a saturated model scales up (got ${target})`)
  assert.equal(decision.outcome, 'decided')
  assert.equal(decision.desiredReplicas, target)
  assert.equal(decision.accelerator, 'H100')
  assert.equal(decision.engine, 'saturation-v2')
  assert.equal(decision.capacity?.unit, 'tokens')
  assert.equal(decision.capacity?.demand, direct.analysis.totalDemand)
})

test('max replicas caps the decision, and an idle model scales down to min replicas', () => {
  const capped = decideWvaVariants(input({variants: [shapeD('llama-h100', '40.0', {max: 3})]}))
  assert.equal(capped.decisions[0]?.desiredReplicas, 3)
  const idle = decideWvaVariants(
    input({
      variants: [shapeD('llama-h100', '40.0', {min: 2, max: 8})],
      targets: [deployment('llama-h100', 5, 'H100')],
      pods: pods('llama-h100', 5, 0.01),
    }),
  )
  assert.equal(idle.decisions[0]?.desiredReplicas, 2)
})

test('no analyzers: V1 selection is reported, not decided here', () => {
  const result = decideWvaVariants(input({configMaps: [saturationConfigMap('kvCacheThreshold: 0.8\n')]}))
  assert.equal(result.selection.engine, 'saturation-v1')
  assert.equal(result.decisions[0]?.outcome, 'undecided')
})

test('v0.9 refuses the queueing model: replicas held at the current value', () => {
  const queueing: KubeObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {name: 'wva-queueing-model-config', namespace: 'wva-system'},
    data: {default: 'sloMultiplier: 3\n'},
  }
  const variant = parseManagedScaler({
    kind: 'HorizontalPodAutoscaler',
    metadata: {
      name: 'llama-h100',
      namespace: 'llm',
      annotations: {'llm-d.ai/managed': 'true', 'llm-d.ai/model-id': 'meta/llama'},
    },
    spec: {scaleTargetRef: {name: 'llama-h100'}, maxReplicas: 5},
    status: {},
  })
  assert.ok(variant?.ok)
  const result = decideWvaVariants(input({release: 'v0.9', variants: [variant.variant], configMaps: [queueing]}))
  assert.equal(result.selection.engine, 'queueing-model')
  assert.equal(result.decisions[0]?.outcome, 'held')
  assert.equal(result.decisions[0]?.desiredReplicas, 2)
  assert.match(result.decisions[0]?.reason ?? '', /OptimizationRefused/)
  // v0.6-v0.8 run it, but only with the learned parameters given.
  const v06 = decideWvaVariants(input({configMaps: [queueing]}))
  assert.equal(v06.decisions[0]?.outcome, 'undecided')
  assert.match(v06.decisions[0]?.reason ?? '', /alpha\/beta\/gamma/)
})

test('an analyzers: entry naming an unknown analyzer is a problem of the variants it configures, not of others', () => {
  const other = shapeD('granite-l40s', '10.0')
  const granite: WvaVariant = {...other, modelID: 'ibm/granite'}
  const config = saturationConfigMap(v2Default, {
    llama: 'model_id: meta/llama\nnamespace: llm\nanalyzers:\n- name: magic\n',
  })
  const result = decideWvaVariants(
    input({
      variants: [shapeD('llama-h100', '40.0', {max: 6}), granite],
      targets: [deployment('llama-h100', 2, 'H100'), deployment('granite-l40s', 1, 'L40S')],
      configMaps: [config],
      pods: [
        ...pods('llama-h100', 2, 0.95, 4),
        ...pods('granite-l40s', 1, 0.3).map((pod) => ({...pod, modelID: 'ibm/granite'})),
      ],
    }),
  )
  const llama = result.decisions.find((decision) => decision.name === 'llama-h100')
  const other2 = result.decisions.find((decision) => decision.name === 'granite-l40s')
  assert.equal(llama?.outcome, 'undecided')
  assert.match(llama?.problems[0] ?? '', /names analyzer "magic", which no WVA release has; /)
  assert.equal(other2?.outcome, 'decided')
  assert.deepEqual(other2?.problems, [])
})

test('a variant whose scale target is missing gets a problem; the other variants of the model are decided', () => {
  const result = decideWvaVariants(
    input({
      variants: [shapeD('llama-h100', '40.0', {max: 6}), shapeD('llama-a100', '20.0')],
      targets: [deployment('llama-h100', 2, 'H100')],
    }),
  )
  const missing = result.decisions.find((decision) => decision.name === 'llama-a100')
  assert.equal(missing?.outcome, 'undecided')
  assert.match(missing?.problems[0] ?? '', /scale target Deployment llm\/llama-a100: not found; /)
  assert.equal(result.decisions.find((decision) => decision.name === 'llama-h100')?.outcome, 'decided')
})

test('the saturation ConfigMap parser folds v0.9 analyzer parameters and addresses model entries', () => {
  const parsed = parseV2SaturationConfigMap(
    saturationConfigMap('analyzers:\n- type: saturation\n  parameters: {scaleUpThreshold: 0.9}\n', {
      llama: 'model_id: meta/llama\nnamespace: llm\nscaleUpThreshold: 0.95\nscaleDownBoundary: 0.5\n',
      broken: 'kvCacheThreshold: high\n',
      orphan: 'kvCacheThreshold: 0.5\n',
    }),
  )
  assert.equal(parsed.entries.default?.analyzers?.[0]?.scaleUpThreshold, 0.9)
  assert.equal(parsed.entries['meta/llama#llm']?.scaleUpThreshold, 0.95)
  assert.deepEqual(
    parsed.problems.map((problem) => problem.source),
    [
      'configmap wva-system/wva-saturation-scaling-config key broken',
      'configmap wva-system/wva-saturation-scaling-config key orphan',
    ],
  )
})

test('v0.6-v0.8 run the queueing model with the learned parameters, through the cost-aware optimizer', () => {
  const queueing: KubeObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {name: 'wva-queueing-model-config', namespace: 'wva-system'},
    data: {
      default: 'sloMultiplier: 3\n',
      llama: 'model_id: meta/llama\nnamespace: llm\ntargetTTFT: 500\ntargetITL: 30\n',
    },
  }
  const decide = (rate: number) =>
    decideWvaVariants(
      input({
        release: 'v0.8',
        variants: [shapeD('llama-h100', '40.0', {max: 20})],
        configMaps: [queueing],
        pods: pods('llama-h100', 2, 0.5).map((pod) => ({...pod, arrivalRate: rate, ttftMs: 120, itlMs: 15})),
        serviceParms: [{namespace: 'llm', variant: 'llama-h100', alpha: 6.9, beta: 0.03, gamma: 0.0004}],
      }),
    ).decisions[0]!
  for (const rate of [1, 40]) {
    const decision = decide(rate)
    assert.equal(decision.engine, 'queueing-model')
    assert.equal(decision.outcome, 'decided')
    assert.equal(decision.capacity?.unit, 'rps')
    // Upstream sizes each variant's supply as the replicas its traffic needs x the per-replica rate
    // (analyzer.go TotalCapacity = desiredNumReplicas * maxRequestRate): the demand never exceeds it, RC is 0.
    assert.equal(decision.capacity?.demand, 2 * rate)
    assert.ok((decision.capacity?.supply ?? 0) >= 2 * rate)
    assert.equal(decision.capacity?.required, 0)
    assert.equal(decision.reason, 'V2')
    assert.equal(decision.desiredReplicas, 2)
  }
  // Without the parameters nothing is sized: the variant says what is missing.
  const none = decideWvaVariants(input({release: 'v0.8', configMaps: [queueing]})).decisions[0]!
  assert.equal(none.outcome, 'undecided')
})
