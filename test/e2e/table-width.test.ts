import assert from 'node:assert/strict'
import {test} from 'node:test'

import {startFakeApiServer} from '../support/fake-api-server.js'
import {clusterFixture} from '../support/kube-fixtures.js'
import {fixturePath} from '../support/paths.js'
import {startPrometheus} from '../support/prometheus.js'
import {quickstartAt, quickstartObjects, quickstartSeries} from '../support/quickstart-live.js'
import {cleanEnv, kubectlVa, kubectlVaDirect} from '../support/run-cli.js'

// kubectl keeps its default tables near 100 columns and moves the rest to -o wide; so do we, on every e2e fixture
// (typical names: 16-character VA names, -A included). A table over 100 columns here is a regression.

const limit = 100

function assertWithin(stdout: string, what: string): void {
  // A `note:` under a table is prose, not a column: it may be longer.
  const lines = stdout.split('\n').filter((line) => line !== '' && !line.startsWith('note: '))
  assert.ok(lines.length > 1, `${what}: a table with a header and rows, got:\n${stdout}`)
  const widest = Math.max(...lines.map((line) => line.length))
  assert.ok(widest <= limit, `${what}: ${widest} columns (limit ${limit}):\n${stdout}`)
}

const quickstart = 'examples/quickstart.yaml'
const saturation = 'examples/saturation-v0.5'
const twoVariants = fixturePath('manifests', 'saturation', 'v0.5-two-variants.yaml')

test('offline: get, simulate, sweeps and scalers fit in 100 columns by default, -A included', async () => {
  const runs: string[][] = []
  for (const file of [quickstart, saturation, twoVariants]) {
    for (const all of [[], ['-A']]) {
      runs.push(['get', '-f', file, ...all], ['simulate', '-f', file, ...all])
    }
    runs.push(['simulate', '-f', file, '--load-scale', '2'])
  }
  runs.push(
    ['simulate', 'llama-8b-h100', '-f', quickstart, '--sweep', 'arrival-rate=100:20000:1000'],
    ['simulate', '-f', quickstart, '--sweep', 'slo-ttft=500:2000:500'],
    ['simulate', 'granite-8b-l40s', '-f', saturation, '--sweep', 'load-scale=0.5:4:0.5'],
  )
  // kubectl va scalers: the list (-A included) and a replay's comparison table with presets and what-if rows.
  const scalers = 'examples/scalers/'
  const range = ['--from', '2026-08-10T10:00:00Z', '--to', '2026-08-10T12:00:00Z', '--no-chart', '--why', 'none']
  runs.push(
    ['scalers', '-f', scalers],
    ['scalers', '-f', scalers, '-A'],
    ['scalers', 'qwen-32b', 'llama-8b', '-f', scalers, ...range],
    [
      'scalers',
      'qwen-32b',
      '-f',
      scalers,
      ...range,
      '--policy',
      'saturation',
      '--threshold',
      '0.9',
      '--slo-ttft',
      '500',
    ],
  )
  for (const args of runs) {
    const run = await kubectlVaDirect(args)
    assert.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`)
    assertWithin(run.stdout, args.join(' '))
  }
})

test('live: get, simulate and a replay summary fit in 100 columns by default', async (t) => {
  const objects = [...quickstartObjects(), ...clusterFixture('controller-v0.0.4')]
  const [api, prom] = await Promise.all([
    startFakeApiServer(t, objects),
    startPrometheus(t, {openmetrics: quickstartSeries()}),
  ])
  const env = cleanEnv({KUBECONFIG: api.writeKubeconfig({namespace: 'llm'}), KUBECTL_VA_PROM_URL: prom.url})
  const at = `--at=${quickstartAt.toISOString()}`
  const from = new Date(quickstartAt.getTime() - 10 * 60_000).toISOString()
  for (const args of [
    ['get', at],
    ['get', at, '-A'],
    ['simulate', at, '-A'],
    ['simulate', '--from', from, '--to', quickstartAt.toISOString(), '--step', '1m', '--no-chart'],
  ]) {
    const run = await kubectlVa(args, {env})
    assert.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`)
    assertWithin(run.stdout, args.join(' '))
  }
})
