import assert from 'node:assert/strict'
import {join} from 'node:path'
import {test} from 'node:test'

import {fixturePath, repoRoot} from '../support/paths.js'
import {cleanEnv, kubectlVa} from '../support/run-cli.js'

// Offline: simulate -f decides WVA v0.6-v0.9 variants from a MetricsSnapshot, with saturation V2 and the queueing
// model, through real kubectl plugin discovery.
const json = async (args: string[]) => {
  const run = await kubectlVa([...args, '-o', 'json'], {env: cleanEnv()})
  return {run, items: run.stdout === '' ? [] : JSON.parse(run.stdout).items}
}

test('simulate -f: the v0.6 VA example is decided by saturation V2 within its min/max', async () => {
  const {run, items} = await json(['simulate', '-f', join(repoRoot, 'examples', 'wva-v0.6')])
  assert.equal(run.code, 0, run.stderr)
  assert.deepEqual(
    items.map((item: any) => [
      item.name,
      item.engine,
      item.variant.release,
      item.variant.minReplicas,
      item.variant.maxReplicas,
    ]),
    [
      ['llama-8b-h100', 'saturation-v2', 'v0.6', 1, 4],
      ['llama-8b-l40s', 'saturation-v2', 'v0.6', 1, 2],
    ],
  )
  for (const item of items) {
    assert.ok(item.desired.replicas >= item.variant.minReplicas && item.desired.replicas <= item.variant.maxReplicas)
    assert.equal(item.variant.capacity.unit, 'tokens')
  }
  // A VA without status has no decision yet: null, never 0.
  assert.equal(items[1].controller.desiredReplicas, null)
})

test('simulate -f: the v0.9 annotated-scaler example has no VA CRD and no VA at all', async () => {
  const {run, items} = await json(['simulate', '-f', join(repoRoot, 'examples', 'wva-v0.9')])
  assert.equal(run.code, 0, run.stderr)
  assert.deepEqual(
    items.map((item: any) => [item.name, item.variant.kind, item.variant.release, item.engine]),
    [
      ['llama-8b-a100-decode', 'ScaledObject', 'v0.9', 'saturation-v2'],
      ['llama-8b-h100-decode', 'HorizontalPodAutoscaler', 'v0.9', 'saturation-v2'],
    ],
  )
})

test('simulate -f: the v0.7 queueing model decides from the snapshot with the learned parameters', async () => {
  const file = fixturePath('manifests', 'wva', 'v0.7-queueing.yaml')
  const {run, items} = await json(['simulate', '-f', file])
  assert.equal(run.code, 0, run.stderr)
  for (const item of items) {
    assert.equal(item.engine, 'queueing-v2')
    assert.equal(item.variant.outcome, 'decided')
    assert.equal(item.variant.release, 'v0.7')
    assert.equal(item.variant.capacity.unit, 'rps')
    // Pods of the model dispatch 6 + 6 + 3 req/s.
    assert.equal(item.variant.capacity.demand, 15)
  }
  // v0.9.0 refuses the queueing model: replicas held (OptimizationRefused).
  const {readFileSync, mkdtempSync, writeFileSync, rmSync} = await import('node:fs')
  const {tmpdir} = await import('node:os')
  const dir = mkdtempSync(join(tmpdir(), 'kva-wva-'))
  try {
    const queueing =
      '---\napiVersion: v1\nkind: ConfigMap\n' +
      'metadata: {name: wva-queueing-model-config, namespace: workload-variant-autoscaler-system}\n' +
      'data:\n  default: |\n    sloMultiplier: 3\n'
    const example = readFileSync(join(repoRoot, 'examples', 'wva-v0.9', 'llama-8b.yaml'), 'utf8')
    writeFileSync(join(dir, 'v0.9.yaml'), `${example}${queueing}`)
    const held = await json(['simulate', '-f', join(dir, 'v0.9.yaml')])
    assert.equal(held.run.code, 0, held.run.stderr)
    assert.deepEqual(
      held.items.map((item: any) => [item.name, item.variant.outcome, item.desired.replicas, item.current.replicas]),
      [
        ['llama-8b-a100-decode', 'held', 1, 1],
        ['llama-8b-h100-decode', 'held', 2, 2],
      ],
    )
    assert.match(held.items[0].reason, /OptimizationRefused/)
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})

test('simulate -f: without analyzers: v0.9 runs V1 on the annotated scalers, within their min/max', async () => {
  const {readFileSync, mkdtempSync, writeFileSync, rmSync} = await import('node:fs')
  const {tmpdir} = await import('node:os')
  const dir = mkdtempSync(join(tmpdir(), 'kva-wva-'))
  try {
    const example = readFileSync(join(repoRoot, 'examples', 'wva-v0.9', 'llama-8b.yaml'), 'utf8')
    const v1 = example.replace(
      '  default: |\n    analyzers:\n    - type: saturation\n',
      '  default: |\n    kvCacheThreshold: 0.8\n    queueLengthThreshold: 5\n    kvSpareTrigger: 0.1\n' +
        '    queueSpareTrigger: 3\n',
    )
    assert.notEqual(v1, example)
    writeFileSync(join(dir, 'v1.yaml'), v1)
    const {run, items} = await json(['simulate', '-f', join(dir, 'v1.yaml')])
    assert.equal(run.code, 0, run.stderr)
    assert.deepEqual(
      items.map((item: any) => [item.name, item.engine, item.shape, item.variant.kind, item.accelerator]),
      [
        ['llama-8b-a100-decode', 'saturation', 'scaler', 'ScaledObject', 'NVIDIA-A100-SXM4-80GB'],
        ['llama-8b-h100-decode', 'saturation', 'scaler', 'HorizontalPodAutoscaler', 'NVIDIA-H100-80GB-HBM3'],
      ],
    )
    // Every pod has spare KV and queue: V1 removes one replica from the most expensive variant.
    assert.deepEqual(
      items.map((item: any) => [item.saturation.action, item.desired.replicas]),
      [
        ['no-change', 1],
        ['scale-down', 1],
      ],
    )
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})

test('simulate -f --load-scale on V2 variants: replicas never fall as load rises from 0 to 10x', async () => {
  for (const release of ['wva-v0.6', 'wva-v0.9']) {
    const example = join(repoRoot, 'examples', release)
    let previous: number[] | undefined
    const seen: number[][] = []
    for (const scale of [0, 0.5, 1, 1.5, 2, 3, 4, 5, 6, 8, 10]) {
      const {run, items} = await json(['simulate', '-f', example, '--load-scale', String(scale)])
      assert.equal(run.code, 0, run.stderr)
      assert.doesNotMatch(run.stderr, /do not apply/)
      const replicas = items.map((item: any) => item.desired.replicas as number)
      if (previous !== undefined) {
        for (const [index, count] of replicas.entries()) {
          assert.ok(count >= (previous[index] ?? 0), `${release} x${scale}: ${replicas} after ${previous}`)
        }
      }
      previous = replicas
      seen.push(replicas)
    }
    // The load does move the decision: more replicas at 10x than at 1x.
    const total = (replicas: number[] | undefined) => (replicas ?? []).reduce((sum, count) => sum + count, 0)
    assert.ok(total(seen.at(-1)) > total(seen[2]), `${release}: ${JSON.stringify(seen)}`)
  }
})

test('simulate -f on V2 variants: --arrival-rate is --load-scale by the measured rate; others warn', async () => {
  const example = join(repoRoot, 'examples', 'wva-v0.9')
  const plain = await json(['simulate', '-f', example])
  const rate = plain.items[0].load.arrivalRate as number
  const byScale = await json(['simulate', '-f', example, '--load-scale', '5'])
  const byRate = await json(['simulate', '-f', example, '--arrival-rate', String(rate * 5)])
  assert.equal(byRate.run.code, 0, byRate.run.stderr)
  const replicas = (items: any[]) => items.map((item) => item.desired.replicas)
  assert.deepEqual(replicas(byRate.items), replicas(byScale.items))
  assert.notDeepEqual(replicas(byScale.items), replicas(plain.items))
  assert.equal(byRate.items[0].load.arrivalRate, rate * 5)
  const other = await json(['simulate', '-f', example, '--load-scale', '5', '--kv-threshold', '0.5'])
  assert.match(
    other.run.stderr,
    /^warning: what-ifs \(kvCacheThreshold\) do not apply to WVA v0\.9 saturation V2 or the queueing model yet: /m,
  )
  assert.deepEqual(replicas(other.items), replicas(byScale.items))
})

test('simulate -f --sweep load-scale on V2 variants: each point is simulate --load-scale, never falling', async () => {
  for (const release of ['wva-v0.6', 'wva-v0.9']) {
    const example = join(repoRoot, 'examples', release)
    const run = await kubectlVa(['simulate', '-f', example, '--sweep', 'load-scale=0:10:1', '-o', 'json'], {
      env: cleanEnv(),
    })
    assert.equal(run.code, 0, run.stderr)
    assert.equal(run.stderr, '')
    const rows: any[] = JSON.parse(run.stdout).rows
    const names = [...new Set(rows.map((row) => row.name as string))]
    assert.equal(names.length, 2)
    for (const name of names) {
      const counts = rows.filter((row) => row.name === name).map((row) => row.desiredReplicas as number)
      assert.equal(counts.length, 11)
      for (const [index, count] of counts.entries()) assert.ok(index === 0 || count >= (counts[index - 1] ?? 0))
    }
    for (const scale of [1, 4]) {
      const single = await json(['simulate', '-f', example, '--load-scale', String(scale)])
      for (const item of single.items) {
        const row = rows.find((candidate) => candidate.name === item.name && candidate.value === scale)
        assert.equal(row?.desiredReplicas, item.desired.replicas, `${release} ${item.name} x${scale}`)
        assert.equal(row?.engine, 'saturation-v2')
      }
    }
  }
  const thresholds = await kubectlVa(
    ['simulate', '-f', join(repoRoot, 'examples', 'wva-v0.9'), '--sweep', 'kv-threshold=0.5:0.9:0.2', '-o', 'json'],
    {env: cleanEnv()},
  )
  assert.equal(thresholds.code, 0, thresholds.stderr)
  assert.match(thresholds.stderr, /^warning: what-ifs \(kvCacheThreshold\) do not apply to WVA v0\.9 saturation V2/m)
})

test('simulate -f --scale-up-threshold/--scale-down-boundary move V2 decisions; inverted: refused', async () => {
  const example = join(repoRoot, 'examples', 'wva-v0.9')
  const replicas = (items: any[]) => items.map((item) => item.desired.replicas as number)
  const total = (items: any[]) => replicas(items).reduce((sum, count) => sum + count, 0)
  const plain = await json(['simulate', '-f', example, '--load-scale', '3'])
  const lax = await json(['simulate', '-f', example, '--load-scale', '3', '--scale-up-threshold', '0.95'])
  assert.equal(lax.run.code, 0, lax.run.stderr)
  assert.equal(lax.run.stderr, '')
  // Scaling up later (at 95% of capacity instead of 85%) needs fewer replicas for the same demand.
  assert.ok(total(lax.items) < total(plain.items), `${replicas(lax.items)} vs ${replicas(plain.items)}`)
  const inverted = await json(['simulate', '-f', example, '--load-scale', '3', '--scale-up-threshold', '0.5'])
  assert.match(
    inverted.run.stderr,
    /^warning: model \S+ in llm: the scale-up threshold 0\.5 is not above the scale-down boundary 0\.7; decided with /m,
  )
  assert.deepEqual(replicas(inverted.items), replicas(plain.items))
  // On the v0.5 engines the V2 thresholds do not apply, and a warning says so.
  const older = await kubectlVa(
    ['simulate', '-f', join(repoRoot, 'examples', 'saturation-v0.5'), '--scale-up-threshold', '0.9'],
    {env: cleanEnv()},
  )
  assert.equal(older.code, 0, older.stderr)
  assert.match(older.stderr, /^warning: --scale-up-threshold does not apply to VAs granite-8b-h100, granite-8b-l40s: /m)
})
