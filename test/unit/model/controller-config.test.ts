import assert from 'node:assert/strict'
import {test} from 'node:test'

import {
  findServiceClass,
  isScaleToZeroEnabled,
  parseAcceleratorCosts,
  parseServiceClasses,
  readControllerConfig,
  type ConfigProblem,
} from '../../../src/core/model/controller-config.js'

test('service classes map slo-tpot to the ITL target and slo-ttft to the TTFT target', () => {
  const problems: ConfigProblem[] = []
  const classes = parseServiceClasses(
    {'premium.yaml': 'name: Premium\npriority: 1\ndata:\n- {model: m, slo-tpot: 24, slo-ttft: 500}\n'},
    problems,
  )
  assert.deepEqual(problems, [])
  assert.deepEqual(findServiceClass(classes, 'm')?.target, {model: 'm', sloTtftMs: 500, sloItlMs: 24})
  assert.equal(findServiceClass(classes, 'other'), undefined)
})

test('a non-integer SLO drops the whole class, as the controller does, and says why', () => {
  const problems: ConfigProblem[] = []
  const classes = parseServiceClasses(
    {'a.yaml': 'name: A\ndata:\n- {model: m, slo-tpot: 24.5, slo-ttft: 500}\n'},
    problems,
  )
  assert.deepEqual(classes, [])
  assert.match(problems[0]!.message, /data\[0\]\.slo-tpot: must be an integer/)
})

test('an unquoted cost is rejected with the fix', () => {
  const problems: ConfigProblem[] = []
  const costs = parseAcceleratorCosts(
    {A100: '{"device": "x", "cost": 40}', H100: '{"device": "y", "cost": "100.0"}'},
    problems,
  )
  assert.deepEqual([...costs.keys()], ['H100'])
  assert.equal(problems[0]?.key, 'A100')
  assert.match(problems[0]!.message, /quoted number/)
})

test('controller env is read from the Deployment, including configMapKeyRef values', () => {
  const main = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {name: 'workload-variant-autoscaler-variantautoscaling-config', namespace: 'wva'},
    data: {WVA_SCALE_TO_ZERO: 'true', PROMETHEUS_BASE_URL: 'https://prom.svc:9090'},
  }
  const controller = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {name: 'workload-variant-autoscaler-controller-manager', namespace: 'wva'},
    spec: {
      template: {
        spec: {
          containers: [
            {
              name: 'manager',
              env: [
                {
                  name: 'WVA_SCALE_TO_ZERO',
                  valueFrom: {
                    configMapKeyRef: {
                      name: 'workload-variant-autoscaler-variantautoscaling-config',
                      key: 'WVA_SCALE_TO_ZERO',
                    },
                  },
                },
              ],
            },
          ],
        },
      },
    },
  }
  const config = readControllerConfig([main], controller)
  assert.equal(config.namespace, 'wva')
  assert.equal(config.env.scaleToZero, 'true')
  assert.equal(config.main.PROMETHEUS_BASE_URL, 'https://prom.svc:9090')
  assert.equal(isScaleToZeroEnabled(config), true)
})
