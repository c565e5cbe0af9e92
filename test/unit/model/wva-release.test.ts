import assert from 'node:assert/strict'
import {test} from 'node:test'

import {
  detectWvaRelease,
  formatWvaReleaseRange,
  releaseFromImageTag,
  releasesIn,
} from '../../../src/core/model/wva-release.js'
import type {KubeObject} from '../../../src/core/model/kube-object.js'
import {wvaQueryReleasesIn} from '../../../src/core/plan/wva-queries.js'
import {clusterFixture} from '../../support/kube-fixtures.js'

const fixtureCrd = (name: string) => clusterFixture(name)[0]!

/** A shape-C CRD with replica bounds, as v0.6/v0.7 ship it, or v0.8's (its version deprecated). */
function boundedCrd(deprecated: boolean): KubeObject {
  const fields = ['scaleTargetRef', 'modelID', 'minReplicas', 'maxReplicas', 'variantCost']
  const spec = {properties: Object.fromEntries(fields.map((field) => [field, {}]))}
  const version = {name: 'v1alpha1', served: true, schema: {openAPIV3Schema: {properties: {spec, status: {}}}}}
  return {kind: 'CustomResourceDefinition', spec: {versions: [deprecated ? {...version, deprecated: true} : version]}}
}

const controller = (image: string): KubeObject => ({
  kind: 'Deployment',
  metadata: {name: 'workload-variant-autoscaler-controller-manager', namespace: 'workload-variant-autoscaler-system'},
  spec: {template: {spec: {containers: [{name: 'manager', image}]}}},
})

const configMap = (name: string, data: Record<string, string> = {}): KubeObject => ({
  kind: 'ConfigMap',
  metadata: {name, namespace: 'workload-variant-autoscaler-system'},
  data,
})

const hpa = (managed: string | undefined): KubeObject => ({
  kind: 'HorizontalPodAutoscaler',
  metadata: {name: 'decode', namespace: 'llm', annotations: managed === undefined ? {} : {'llm-d.ai/managed': managed}},
})

test('image tags map to releases; v0.9.0-rc1 is a v0.8 ancestor; custom tags say nothing', () => {
  const of = (tag: string) => {
    const result = releaseFromImageTag(tag)
    return 'range' in result ? formatWvaReleaseRange(result.range) : undefined
  }
  assert.equal(of('v0.6.0'), 'v0.6')
  assert.equal(of('v0.7.0'), 'v0.7')
  assert.equal(of('0.8.0'), 'v0.8')
  assert.equal(of('v0.8.0-rc5'), 'v0.8')
  assert.equal(of('v0.9.0'), 'v0.9')
  assert.equal(of('v0.9.0-rc1'), 'v0.8')
  assert.equal(of('v0.10.0'), 'v0.9')
  assert.equal(of('v0.5.0'), 'v0.5.0')
  assert.equal(of('v0.5.1-rc.2'), 'v0.5.1')
  assert.equal(of('v0.4.1'), 'v0.4.1')
  assert.equal(of('v0.0.3'), 'v0.0.3')
  assert.equal(of('latest'), undefined)
  assert.equal(of('v0.2.0'), undefined)
  assert.equal(of('sha-0ee5ba1'), undefined)
})

test('v0.6 and v0.7: the bounded CRD plus the image tag', () => {
  const v07 = detectWvaRelease({crd: boundedCrd(false), controllerDeployment: controller('ghcr.io/llm-d/wva:v0.7.0')})
  assert.equal(v07.label, 'v0.7')
  assert.equal(v07.release, 'v0.7')
  assert.deepEqual(
    v07.evidence.map((e) => [e.source, e.used]),
    [
      ['image', true],
      ['crd', true],
    ],
  )
  assert.deepEqual(v07.conflicts, [])
  // Without a usable tag, the old main ConfigMap name narrows v0.6-v0.9 to v0.6-v0.7.
  const untagged = detectWvaRelease({
    crd: boundedCrd(false),
    controllerDeployment: controller('ghcr.io/llm-d/wva:latest'),
    configMaps: [configMap('wva-variantautoscaling-config'), configMap('wva-saturation-scaling-config')],
  })
  assert.equal(untagged.label, 'v0.6-v0.7')
  assert.deepEqual(untagged.notes, ['controller image tag "latest" names no release'])
  assert.deepEqual(wvaQueryReleasesIn(untagged.range!), ['v0.6', 'v0.7'])
})

test('v0.8 and v0.9: no CRD, annotated scalers, wva-manager-config, v0.9-only saturation keys', () => {
  const v09 = detectWvaRelease({
    crd: null,
    scalers: [hpa('true'), hpa(undefined), {...hpa('true'), kind: 'ScaledObject'}],
    configMaps: [
      configMap('wva-manager-config', {'config.yaml': 'GLOBAL_OPT_INTERVAL: 15s\n'}),
      configMap('wva-saturation-scaling-config', {
        default: 'kvCacheThreshold: 0.8\nanalyzers:\n  - name: saturation\nlimiters:\n  - type: quota\n',
      }),
    ],
  })
  assert.equal(v09.label, 'v0.9')
  assert.match(v09.evidence.find((e) => e.source === 'scalers')!.observed, /^2 HorizontalPodAutoscaler\/ScaledObject/)
  // An HPA annotated with anything but "true" is not opted in.
  assert.equal(detectWvaRelease({scalers: [hpa('True'), hpa('yes')]}).label, 'unknown')
  // The v0.8 CRD is deprecated; with the v0.8 image it is v0.8 exactly.
  const v08 = detectWvaRelease({crd: boundedCrd(true), controllerImageTag: 'v0.8.0'})
  assert.equal(v08.label, 'v0.8')
  assert.equal(detectWvaRelease({crd: boundedCrd(true)}).label, 'v0.8-v0.9')
  // analyzers: (read from v0.6) narrows a bounded CRD less than the v0.9 keys do.
  const analyzers = configMap('wva-saturation-scaling-config', {default: 'analyzers:\n- name: saturation\n'})
  assert.equal(detectWvaRelease({crd: boundedCrd(false), configMaps: [analyzers]}).label, 'v0.6-v0.9')
  assert.equal(
    detectWvaRelease({crd: boundedCrd(false), configMaps: [configMap('wva-queueing-model-config')]}).label,
    'v0.6-v0.9',
  )
})

test('older shapes come from the CRD schema, as cluster/shape.ts reads them', () => {
  assert.equal(detectWvaRelease({crd: fixtureCrd('crd-c')}).label, 'v0.5.0-v0.5.1')
  assert.equal(
    detectWvaRelease({crd: fixtureCrd('crd-c'), configMaps: [configMap('wva-variantautoscaling-config')]}).label,
    'v0.5.1',
  )
  assert.equal(
    detectWvaRelease({crd: fixtureCrd('crd-c'), configMaps: [configMap('saturation-scaling-config')]}).label,
    'v0.5.0',
  )
  assert.equal(detectWvaRelease({crd: fixtureCrd('crd-a-v0.4.2')}).label, 'v0.4.1-v0.4.2')
  assert.equal(detectWvaRelease({crd: fixtureCrd('crd-a-v0.0.4')}).label, 'v0.0.2-v0.0.4')
  const b1 = detectWvaRelease({crd: fixtureCrd('crd-b1')})
  assert.equal(b1.label, 'unreleased shape B1')
  assert.equal(b1.unreleasedShape, 'B1')
  assert.equal(b1.range, undefined)
  assert.deepEqual(wvaQueryReleasesIn({from: 'v0.0.1', to: 'v0.4.2'}), [])
})

test('contradicting evidence is set aside and reported; weak evidence never overrides strong', () => {
  // Helm never upgrades CRDs: a v0.7 controller over a v0.5 CRD.
  const stale = detectWvaRelease({crd: fixtureCrd('crd-c'), controllerImageTag: 'v0.7.0'})
  assert.equal(stale.label, 'v0.7')
  assert.deepEqual(
    stale.evidence.map((e) => e.used),
    [true, false],
  )
  assert.equal(stale.conflicts.length, 1)
  assert.match(stale.conflicts[0]!, /suggests v0\.5\.0-v0\.5\.1, which contradicts v0\.7 from controller image tag/)
  // A leftover old-name ConfigMap next to annotated scalers: the scalers win.
  const leftover = detectWvaRelease({scalers: [hpa('true')], configMaps: [configMap('wva-variantautoscaling-config')]})
  assert.equal(leftover.label, 'v0.8-v0.9')
  assert.equal(leftover.evidence.find((e) => e.source === 'configmap')!.used, false)
  // Helm-prefixed names are recognised too.
  assert.equal(detectWvaRelease({configMaps: [configMap('wva-release-wva-manager-config')]}).label, 'v0.8-v0.9')
  assert.equal(detectWvaRelease({}).label, 'unknown')
  assert.deepEqual(releasesIn({from: 'v0.5.1', to: 'v0.7'}), ['v0.5.1', 'v0.6', 'v0.7'])
})
