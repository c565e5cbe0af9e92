import assert from 'node:assert/strict'
import {test} from 'node:test'

import {
  parseScaleToZeroConfigMap,
  resolveCapacityThresholds,
  resolveConfigLocation,
  resolveSaturationThresholds,
  resolveScaleToZeroConfig,
  type ConfigLocation,
} from '../../../../../src/core/decide/saturation/groups/config.js'
import {configMap, fixtureSources} from './builders.js'
import {parseClusterState} from '../../../../../src/core/model/cluster-state.js'

const location = (configMaps: ConfigLocation['configMaps'], saturationConfigMapName?: string): ConfigLocation => ({
  controllerNamespace: 'wva-system',
  env: {referencedConfigMaps: [], saturationConfigMapName},
  configMaps,
})

test('v0.5.1: a same-name ConfigMap in the VA namespace replaces the global one (controller fixture)', () => {
  const where = resolveConfigLocation(parseClusterState(fixtureSources('controller-v0.5.1')))
  assert.equal(where.controllerNamespace, 'wva-system')
  const local = resolveSaturationThresholds(where, 'llm')
  assert.equal(local.kind, 'ok')
  assert.deepEqual(local.kind === 'ok' && local.thresholds, {
    kvCacheThreshold: 0.7,
    queueLengthThreshold: 3,
    kvSpareTrigger: 0.15,
    queueSpareTrigger: 2,
  })
  assert.deepEqual(local.kind === 'ok' && local.configMap, {
    namespace: 'llm',
    name: 'workload-variant-autoscaler-saturation-scaling-config',
    scope: 'namespace-local',
  })
  const global = resolveSaturationThresholds(where, 'other')
  assert.deepEqual(global.kind === 'ok' && global.thresholds, {
    kvCacheThreshold: 0.8,
    queueLengthThreshold: 5,
    kvSpareTrigger: 0.1,
    queueSpareTrigger: 3,
  })
  assert.equal(global.kind === 'ok' && global.configMap.scope, 'global')
})

test('v0.5.1: the default entry is used as written, so omitted fields stay 0', () => {
  const resolved = resolveSaturationThresholds(
    location([
      configMap('wva-saturation-scaling-config', 'wva-system', {
        default: 'kvCacheThreshold: 0.9\nenableLimiter: true\n',
      }),
    ]),
    'llm',
  )
  assert.deepEqual(resolved.kind === 'ok' && resolved.thresholds, {
    kvCacheThreshold: 0.9,
    queueLengthThreshold: 0,
    kvSpareTrigger: 0,
    queueSpareTrigger: 0,
  })
  assert.equal(resolved.enableLimiter, true)
})

test('v0.5: the v0.5.0 name and a Helm-prefixed name are found; an env name is the only one read', () => {
  const v050 = resolveSaturationThresholds(
    location([configMap('saturation-scaling-config', 'wva-system', {default: 'kvCacheThreshold: 0.8'})]),
    'llm',
  )
  assert.equal(v050.kind === 'ok' && v050.configMap.name, 'saturation-scaling-config')
  const helm = resolveSaturationThresholds(
    location([
      configMap('wva-workload-variant-autoscaler-wva-saturation-scaling-config', 'wva-system', {
        default: 'kvCacheThreshold: 0.8',
      }),
    ]),
    'llm',
  )
  assert.equal(
    helm.kind === 'ok' && helm.configMap.name,
    'wva-workload-variant-autoscaler-wva-saturation-scaling-config',
  )
  const envOnly = resolveSaturationThresholds(
    location(
      [configMap('wva-saturation-scaling-config', 'wva-system', {default: 'kvCacheThreshold: 0.8'})],
      'custom-config',
    ),
    'llm',
  )
  assert.deepEqual(envOnly, {
    kind: 'missing',
    reason: 'ConfigMap custom-config not found in wva-system or llm',
    enableLimiter: false,
    problems: [],
  })
})

test('v0.5.1: an invalid default entry skips the model and names ConfigMap, key and field', () => {
  const resolved = resolveSaturationThresholds(
    location([
      configMap('wva-saturation-scaling-config', 'wva-system', {
        default: 'kvCacheThreshold: 1.5\nkvSpareTrigger: 0.1\n',
        other: 'kvCacheThreshold: 0.05\nkvSpareTrigger: 0.1\n',
        typo: 'kvCacheThreshold: "0.8"\n',
      }),
    ]),
    'llm',
  )
  assert.equal(resolved.kind, 'missing')
  assert.equal(
    resolved.kind === 'missing' && resolved.reason,
    'ConfigMap wva-system/wva-saturation-scaling-config has an invalid "default" entry',
  )
  assert.deepEqual(
    resolved.problems.map(({key, field, message}) => [key, field, message]),
    [
      [
        'typo',
        'kvCacheThreshold',
        'kvCacheThreshold must be a number, got string "0.8"; the controller cannot parse the entry and ignores it',
      ],
      [
        'default',
        'kvCacheThreshold',
        'kvCacheThreshold must be between 0 and 1, got 1.50; the controller ignores the entry',
      ],
      [
        'other',
        'kvCacheThreshold',
        'kvCacheThreshold (0.05) should be >= kvSpareTrigger (0.10); the controller ignores the entry',
      ],
    ],
  )
  assert.ok(
    resolved.problems.every(
      (problem) => problem.configMap === 'wva-saturation-scaling-config' && problem.namespace === 'wva-system',
    ),
  )
})

test('v0.5.1: no saturation ConfigMap at all means no config', () => {
  assert.equal(resolveSaturationThresholds(location([]), 'llm').kind, 'missing')
})

test('v0.4.2: capacity-scaling-config merges the matching override; a missing ConfigMap gives 0.80/5/0.10/3', () => {
  const withOverride = location([
    configMap('capacity-scaling-config', 'wva-system', {
      default: 'kvCacheThreshold: 0.8\nqueueLengthThreshold: 5\nkvSpareTrigger: 0.1\nqueueSpareTrigger: 3\n',
      'granite-override':
        'model_id: ibm/granite-13b\nnamespace: lab\nkvCacheThreshold: 0.75\nqueueLengthThreshold: 10\n',
      broken: 'queueSpareTrigger: -1\n',
    }),
  ])
  const resolved = resolveCapacityThresholds(withOverride, 'ibm/granite-13b', 'lab')
  assert.deepEqual(resolved.thresholds, {
    kvCacheThreshold: 0.75,
    queueLengthThreshold: 10,
    kvSpareTrigger: 0.1,
    queueSpareTrigger: 3,
  })
  assert.equal(resolved.resolution.appliedOverride, 'granite-override')
  assert.deepEqual(
    resolved.problems.map(({key, field}) => [key, field]),
    [['broken', 'queueSpareTrigger']],
  )
  assert.deepEqual(resolveCapacityThresholds(withOverride, 'ibm/granite-13b', 'prod').thresholds, {
    kvCacheThreshold: 0.8,
    queueLengthThreshold: 5,
    kvSpareTrigger: 0.1,
    queueSpareTrigger: 3,
  })
  const none = resolveCapacityThresholds(location([]), 'm', 'llm')
  assert.equal(none.configMap, undefined)
  assert.deepEqual(none.thresholds, {
    kvCacheThreshold: 0.8,
    queueLengthThreshold: 5,
    kvSpareTrigger: 0.1,
    queueSpareTrigger: 3,
  })
})

test('scale-to-zero: snake_case entries are keyed by model_id; overrides without it are skipped', () => {
  const parsed = parseScaleToZeroConfigMap(
    configMap('wva-model-scale-to-zero-config', 'wva-system', {
      default: 'enable_scale_to_zero: true\nretention_period: "15m"\n',
      'a-llama': 'model_id: meta/llama-3.1-8b\nretention_period: "5m"\n',
      nameless: 'enable_scale_to_zero: false\n',
      'z-llama': 'model_id: meta/llama-3.1-8b\nenable_scale_to_zero: false\n',
    }),
    'wva-system',
  )
  assert.deepEqual(Object.keys(parsed.config).sort(), ['default', 'meta/llama-3.1-8b'])
  assert.deepEqual(parsed.config['meta/llama-3.1-8b'], {
    modelId: 'meta/llama-3.1-8b',
    namespace: undefined,
    enableScaleToZero: undefined,
    retentionPeriod: '5m',
  })
  assert.deepEqual(parsed.config.default, {
    modelId: undefined,
    namespace: undefined,
    enableScaleToZero: true,
    retentionPeriod: '15m',
  })
  assert.deepEqual(
    parsed.problems.map(({key, field}) => [key, field]),
    [
      ['nameless', 'model_id'],
      ['z-llama', 'model_id'],
    ],
  )
})

test('scale-to-zero: the global v0.5.1 ConfigMap of the fixture, and a namespace-local one replacing it', () => {
  const where = resolveConfigLocation(parseClusterState(fixtureSources('controller-v0.5.1')))
  const global = resolveScaleToZeroConfig(where, 'llm')
  assert.deepEqual(global.configMap, {namespace: 'wva-system', name: 'wva-model-scale-to-zero-config', scope: 'global'})
  assert.equal(global.config.default?.retentionPeriod, '15m')
  const local = resolveScaleToZeroConfig(
    {
      ...where,
      configMaps: [
        ...where.configMaps,
        configMap('wva-model-scale-to-zero-config', 'llm', {default: 'enable_scale_to_zero: false\n'}),
      ],
    },
    'llm',
  )
  assert.equal(local.configMap?.scope, 'namespace-local')
  assert.equal(local.config.default?.enableScaleToZero, false)
})

test('ConfigMaps read from files without a namespace count as the controller namespace', () => {
  const resolved = resolveSaturationThresholds(
    location([configMap('wva-saturation-scaling-config', undefined, {default: 'kvCacheThreshold: 0.6'})]),
    'llm',
  )
  assert.equal(resolved.kind === 'ok' && resolved.configMap.namespace, 'wva-system')
})
