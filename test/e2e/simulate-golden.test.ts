import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {test} from 'node:test'

import {fixturePath} from '../support/paths.js'
import {kubectlVa} from '../support/run-cli.js'

// Every golden optimizer case becomes a real manifest set (VA, Deployment, ConfigMaps, MetricsSnapshot) run through
// `kubectl va simulate -f -`: this checks the glue from manifests to optimizer inputs, not only the optimizer.
interface GoldenCase {
  id: string
  input: {
    modelId: string
    accelerator: string
    acceleratorCount: number
    maxBatchSize: number
    decodeParms: Record<string, string>
    prefillParms: Record<string, string>
    acceleratorUnitCost: string
    sloTtftMs: number
    sloTpotMs: number
    arrivalRateRpm: number
    avgInputTokens: number
    avgOutputTokens: number
    currentReplicas: number
    scaleToZero: boolean
  }
  expected: {outcome: string; desired: {accelerator: string; numReplicas: number} | null; cost: number | null}
}

const golden = JSON.parse(readFileSync(fixturePath('golden', 'optimizer-cases.json'), 'utf8')) as {cases: GoldenCase[]}
// Negative load is rejected as bad input by kubectl-va (the controller clamps it); tested separately. So are
// accCount and maxBatchSize below 1, which the CRD forbids (docs/limits.md; test/e2e/corpus/manifests.test.ts).
const cases = golden.cases.filter(
  (c) => c.input.arrivalRateRpm >= 0 && c.input.acceleratorCount >= 1 && c.input.maxBatchSize >= 1,
)

function manifestsFor(selected: readonly GoldenCase[]): string {
  const items: object[] = []
  const classes: Record<string, string> = {}
  const costs: Record<string, string> = {}
  const models: object[] = []
  for (const c of selected) {
    const accelerator = `${c.input.accelerator}-${c.id}`
    const modelID = `${c.input.modelId}-${c.id}`
    items.push({
      apiVersion: 'llmd.ai/v1alpha1',
      kind: 'VariantAutoscaling',
      metadata: {name: c.id, namespace: 'golden', labels: {'inference.optimization/acceleratorName': accelerator}},
      spec: {
        modelID,
        variantID: `${modelID}-${accelerator}-1`,
        accelerator,
        acceleratorCount: c.input.acceleratorCount,
        variantProfile: {
          maxBatchSize: c.input.maxBatchSize,
          perfParms: {decodeParms: c.input.decodeParms, prefillParms: c.input.prefillParms},
        },
      },
    })
    items.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {name: c.id, namespace: 'golden'},
      spec: {replicas: c.input.currentReplicas},
    })
    classes[`${c.id}.yaml`] = JSON.stringify({
      name: c.id,
      priority: 1,
      data: [{model: modelID, 'slo-tpot': c.input.sloTpotMs, 'slo-ttft': c.input.sloTtftMs}],
    })
    costs[accelerator] = JSON.stringify({device: 'GPU', cost: c.input.acceleratorUnitCost})
    models.push({
      namespace: 'golden',
      modelID,
      arrivalRate: c.input.arrivalRateRpm,
      avgInputTokens: c.input.avgInputTokens,
      avgOutputTokens: c.input.avgOutputTokens,
    })
  }
  items.push({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {name: 'service-classes-config', namespace: 'workload-variant-autoscaler-system'},
    data: classes,
  })
  items.push({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {name: 'accelerator-unit-costs', namespace: 'workload-variant-autoscaler-system'},
    data: costs,
  })
  items.push({apiVersion: 'kubectl-va.llmd.ai/v1alpha1', kind: 'MetricsSnapshot', models})
  return JSON.stringify({apiVersion: 'v1', kind: 'List', items})
}

for (const scaleToZero of [false, true]) {
  const selected = cases.filter((c) => c.input.scaleToZero === scaleToZero)
  test(`simulate -f: golden replicas of ${selected.length} cases, one run (scale-to-zero ${scaleToZero})`, async () => {
    const run = await kubectlVa(['simulate', '-f', '-', '-o', 'json', ...(scaleToZero ? ['--scale-to-zero'] : [])], {
      input: manifestsFor(selected),
    })
    const skipped = selected.filter((c) => c.expected.outcome === 'skipped').length
    assert.equal(run.code, skipped > 0 ? 6 : 0, run.stderr)
    const items = new Map((JSON.parse(run.stdout).items as any[]).map((item) => [item.name, item]))
    for (const c of selected) {
      const item = items.get(c.id)
      assert.ok(item, `${c.id} missing from the output`)
      assert.equal(item.outcome, c.expected.outcome, `${c.id}: outcome`)
      const expectedDesired = c.expected.desired
        ? {
            replicas: c.expected.desired.numReplicas,
            accelerator: c.expected.desired.accelerator === '' ? '' : `${c.expected.desired.accelerator}-${c.id}`,
            cost: c.expected.cost,
          }
        : null
      assert.deepEqual(item.desired, expectedDesired, `${c.id}: desired`)
    }
  })
}
