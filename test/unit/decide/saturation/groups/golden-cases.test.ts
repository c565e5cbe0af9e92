/**
 * Cross-check: golden saturation cases rebuilt as cluster objects (VAs, Deployments, ConfigMaps) plus pod metrics
 * must give the golden analysis, targets and decisions through `runSaturationEngines`.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'

import type {KubeObject} from '../../../../../src/core/model/kube-object.js'
import type {PodMetrics} from '../../../../../src/core/model/metrics.js'
import {
  validateCapacityConfigV042,
  validateSaturationConfigV051,
} from '../../../../../src/core/decide/saturation/config.js'
import type {ModelGroupInput, SaturationThresholds} from '../../../../../src/core/decide/saturation/index.js'
import {
  decisionOf,
  runSaturationEngines,
  type SaturationOverrides,
  writtenTarget,
} from '../../../../../src/core/decide/saturation/groups/index.js'
import {clusterFixture} from '../../../../support/kube-fixtures.js'
import {readGolden} from '../golden.js'
import {configMap, controllerV051, deployment, shapeAVa, shapeCVa, sourcesOf} from './builders.js'
import {parseClusterState} from '../../../../../src/core/model/cluster-state.js'
import {saturationSentences} from '../../../../../src/core/simulate/saturation-wording.js'

interface GoldenCase {
  id: string
  engine: 'capacity-v0.4.2' | 'saturation-v0.5.1'
  input: ModelGroupInput
  expected: {
    analysis: unknown
    targets: Record<string, number>
    decisions: unknown[]
    engineSkipsModel: boolean
    enforcer?: {targets: Record<string, number>} | null
  }
  orderVariation?: {decisionsOrderDependent: boolean}
}

const golden = readGolden<{cases: GoldenCase[]}>('saturation-cases.json')

/** Cases that real objects can express: every reporting variant has a state, one cost and accelerator per variant. */
function isExpressible(testCase: GoldenCase): boolean {
  const {replicaMetrics, variantStates} = testCase.input
  const names = variantStates.map((state) => state.variantName)
  if (new Set(names).size !== names.length || variantStates.some((state) => state.currentReplicas <= 0)) return false
  if (testCase.orderVariation?.decisionsOrderDependent) return false
  return replicaMetrics.every(
    (metric) =>
      names.includes(metric.variantName) &&
      metric.acceleratorName !== '' &&
      replicaMetrics.every(
        (other) =>
          other.variantName !== metric.variantName ||
          (other.cost === metric.cost && other.acceleratorName === metric.acceleratorName),
      ),
  )
}

const allPositive = (config: SaturationThresholds) => Object.values(config).every((value) => value !== 0)

/** The objects of one case; thresholds come from a ConfigMap when it can say them exactly, else from overrides. */
function rebuild(testCase: GoldenCase): {objects: KubeObject[]; pods: PodMetrics[]; overrides: SaturationOverrides} {
  const {modelId, namespace, config, replicaMetrics, variantStates} = testCase.input
  const isSaturation = testCase.engine === 'saturation-v0.5.1'
  const objects: KubeObject[] = []
  for (const state of variantStates) {
    const first = replicaMetrics.find((metric) => metric.variantName === state.variantName)
    const options = {
      namespace,
      modelID: modelId,
      accelerator: first?.acceleratorName ?? 'H100',
      cost: String(first?.cost ?? 10),
      desired: state.desiredReplicas,
    }
    const current = state.currentReplicas
    const target = isSaturation ? `${state.variantName}-decode` : state.variantName
    objects.push(isSaturation ? shapeCVa(state.variantName, options) : shapeAVa(state.variantName, options))
    objects.push(
      deployment(target, {
        namespace,
        replicas: current,
        ready: current - (state.pendingReplicas ?? 0),
        gpus: {'nvidia.com/gpu': String(state.gpusPerReplica ?? 1)},
      }),
    )
  }
  const yaml = Object.entries(config)
    .map(([key, value]) => `${key}: ${value}`)
    .join('\n')
  let overrides: SaturationOverrides = {}
  if (isSaturation) {
    objects.push(...clusterFixture('crd-c'), ...controllerV051().filter((object) => object.kind === 'Deployment'))
    if (validateSaturationConfigV051(config).kind === 'valid')
      objects.push(configMap('wva-saturation-scaling-config', 'wva-system', {default: yaml}))
    else overrides = config
  } else {
    objects.push(
      ...clusterFixture('crd-a-v0.4.2', 'controller-v0.4.2').filter(
        (object) => object.kind !== 'ConfigMap' || object.metadata?.name !== 'capacity-scaling-config',
      ),
    )
    if (allPositive(config) && validateCapacityConfigV042(config).kind === 'valid') {
      objects.push(configMap('capacity-scaling-config', 'workload-variant-autoscaler-system', {default: yaml}))
    } else overrides = config
  }
  const pods = replicaMetrics.map((metric) => ({
    namespace,
    name: metric.podName,
    modelID: modelId,
    deployment: isSaturation ? `${metric.variantName}-decode` : metric.variantName,
    kvCacheUsage: metric.kvCacheUsage,
    queueLength: metric.queueLength,
  }))
  return {objects, pods, overrides}
}

const cases = golden.cases.filter(isExpressible)

test('golden cases rebuilt as objects and pods give the golden analysis, targets and decisions', (t) => {
  let viaConfigMap = 0
  for (const testCase of cases) {
    const {objects, pods, overrides} = rebuild(testCase)
    if (overrides.kvCacheThreshold === undefined) viaConfigMap++
    const run = runSaturationEngines({state: parseClusterState(sourcesOf(objects)), pods, overrides})
    assert.equal(run.groups.length, 1, `${testCase.id}: groups`)
    const group = run.groups[0]!
    if (group.status !== 'ran') assert.fail(`${testCase.id}: the group did not run (${group.skip.reason})`)
    assert.equal(group.engine, testCase.engine, `${testCase.id}: engine`)
    assert.deepEqual(group.thresholds, testCase.input.config, `${testCase.id}: thresholds`)
    const result = group.outcome.result
    assert.deepEqual(result.analysis, testCase.expected.analysis, `${testCase.id}: analysis`)
    assert.equal(group.skip?.kind === 'no-metrics', testCase.expected.engineSkipsModel, `${testCase.id}: skip`)
    assert.deepEqual({...result.targets}, testCase.expected.targets, `${testCase.id}: targets`)
    assert.deepEqual(result.decisions, testCase.expected.decisions, `${testCase.id}: decisions`)
    if (testCase.expected.enforcer != null && group.outcome.engine === 'saturation-v0.5.1') {
      assert.deepEqual(
        {...(group.outcome.result.enforcement?.targets ?? {})},
        testCase.expected.enforcer.targets,
        `${testCase.id}: enforced targets`,
      )
    }
    for (const decision of testCase.expected.decisions as Array<{
      variantName: string
      targetReplicas: number
      action: string
    }>) {
      const variant = run.variants.find((candidate) => candidate.name === decision.variantName)!
      assert.equal(writtenTarget(variant), decision.targetReplicas, `${testCase.id}: ${decision.variantName} target`)
      assert.equal(decisionOf(variant)?.action, decision.action, `${testCase.id}: ${decision.variantName} action`)
    }
  }
  t.diagnostic(`${cases.length} of ${golden.cases.length} cases rebuilt, ${viaConfigMap} through a ConfigMap`)
  // Enough of both engines, and of both threshold sources, to mean something.
  assert.ok(
    cases.filter((testCase) => testCase.engine === 'saturation-v0.5.1').length >= 80,
    `saturation cases: ${cases.length}`,
  )
  assert.ok(cases.filter((testCase) => testCase.engine === 'capacity-v0.4.2').length >= 80)
  assert.ok(viaConfigMap >= 100, `cases through a ConfigMap: ${viaConfigMap}`)
})

test('the golden edge case "pending on cheapest" reads the same from objects: v0.5.1 skips the pending variant', () => {
  const testCase = golden.cases.find((candidate) => candidate.id === 'sat-edge-pending-on-cheapest')!
  const {objects, pods} = rebuild(testCase)
  const run = runSaturationEngines({state: parseClusterState(sourcesOf(objects)), pods})
  const byName = Object.fromEntries(run.variants.map((variant) => [variant.name, variant]))
  assert.deepEqual(
    Object.fromEntries(run.variants.map((variant) => [variant.name, writtenTarget(variant)])),
    testCase.expected.enforcer!.targets,
  )
  assert.equal(decisionOf(byName['llama-8b-h100']!)?.action, 'scale-up')
  assert.ok(
    saturationSentences(byName['llama-8b-a100']!).includes('blocked: 1 replica pending'),
    saturationSentences(byName['llama-8b-a100']!).join(' | '),
  )
})
