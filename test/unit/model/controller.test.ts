import assert from 'node:assert/strict'
import {test} from 'node:test'

import {findControllerDeployment, isControllerConfigMap, readControllerEnv} from '../../../src/core/model/controller.js'
import {clusterFixture} from '../../support/kube-fixtures.js'

test('the WVA controller wins over other kubebuilder controller-managers', () => {
  const deployments = clusterFixture('controller-v0.5.1').filter((object) => object.kind === 'Deployment')
  assert.equal(deployments.length, 2)
  assert.equal(findControllerDeployment(deployments)?.metadata?.namespace, 'wva-system')
  assert.equal(
    findControllerDeployment(deployments.filter((deployment) => deployment.metadata?.namespace === 'cert-manager')),
    undefined,
  )
})

test('env values are resolved from configMapKeyRef and the downward API', () => {
  const objects = clusterFixture('controller-v0.4.2')
  const deployment = findControllerDeployment(objects.filter((object) => object.kind === 'Deployment'))
  const withoutConfigMaps = readControllerEnv(deployment)
  assert.equal(withoutConfigMaps.hybridOptimization, undefined)
  assert.deepEqual(withoutConfigMaps.referencedConfigMaps, ['workload-variant-autoscaler-variantautoscaling-config'])
  const env = readControllerEnv(
    deployment,
    objects.filter((object) => object.kind === 'ConfigMap'),
  )
  assert.deepEqual(env, {
    referencedConfigMaps: ['workload-variant-autoscaler-variantautoscaling-config'],
    podNamespace: 'workload-variant-autoscaler-system',
    configMapName: undefined,
    saturationConfigMapName: undefined,
    scaleToZero: 'false',
    hybridOptimization: 'off',
    controllerInstance: undefined,
  })
})

test('--watch-namespace=$(POD_NAMESPACE) resolves to the controller namespace', () => {
  const deployment = {
    metadata: {name: 'wva-controller-manager', namespace: 'wva'},
    spec: {
      template: {
        spec: {
          containers: [
            {
              name: 'manager',
              args: ['--leader-elect', '--watch-namespace=$(POD_NAMESPACE)'],
              env: [{name: 'CONTROLLER_INSTANCE', value: 'blue'}],
            },
          ],
        },
      },
    },
  }
  const env = readControllerEnv(deployment)
  assert.equal(env.watchNamespace, 'wva')
  assert.equal(env.controllerInstance, 'blue')
})

test('controller ConfigMaps are told from unrelated ones, including Helm-prefixed names', () => {
  const env = {referencedConfigMaps: [], configMapName: 'custom-main'}
  for (const name of [
    'service-classes-config',
    'accelerator-unit-costs',
    'custom-main',
    'wva-release-saturation-scaling-config',
    'my-wva-variantautoscaling-config',
  ])
    assert.ok(isControllerConfigMap(name, env), name)
  for (const name of ['kube-root-ca.crt', 'istio-ca-root-cert']) assert.ok(!isControllerConfigMap(name, env), name)
})
