import assert from 'node:assert/strict'
import {test} from 'node:test'

import {runWatch} from '../../../src/cli/watch-run.js'
import {OutputWriter} from '../../../src/cli/output.js'
import type {KubeObject} from '../../../src/core/model/kube-object.js'
import {parseClusterState} from '../../../src/core/model/cluster-state.js'
import {readManifests} from '../../../src/core/read/manifests/read-manifests.js'
import {repoRoot} from '../../support/paths.js'

const quickstart = (await readManifests([`${repoRoot}/examples/quickstart.yaml`])).sources

/** Runs the watch for `ticks` evaluations; returns the sleeps asked for and the --at of each evaluation. */
async function watch(options: {
  flags: {interval?: string; at?: string}
  engines?: string[]
  configMaps?: KubeObject[]
  ticks?: number
}) {
  const controller = new AbortController()
  const sleeps: number[] = []
  const ats: Array<string | undefined> = []
  const written: string[] = []
  const state = parseClusterState({
    ...quickstart,
    configMaps: [...quickstart.configMaps, ...(options.configMaps ?? [])],
  })
  await runWatch({
    flags: options.flags,
    out: new OutputWriter({write: (text: string) => written.push(text)}),
    signal: controller.signal,
    sleep: async (ms) => {
      sleeps.push(ms)
      if (sleeps.length === (options.ticks ?? 2)) controller.abort()
    },
    evaluate: async (_now, at) => {
      ats.push(at)
      return {
        frame: {entries: [{key: 'a', text: `row ${ats.length}`}]},
        stderr: [],
        state,
        items: (options.engines ?? ['queueing-model']).map((engine) => ({engine})),
      }
    },
  })
  return {sleeps, ats, written}
}

const mainConfigMap = (interval: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name: 'workload-variant-autoscaler-variantautoscaling-config',
    namespace: 'workload-variant-autoscaler-system',
  },
  data: {GLOBAL_OPT_INTERVAL: interval},
})

test("the default interval is the controller's cycle: GLOBAL_OPT_INTERVAL (60 s unset), 30 s for v0.5", async () => {
  assert.deepEqual((await watch({flags: {}})).sleeps, [60_000, 60_000])
  assert.deepEqual((await watch({flags: {}, configMaps: [mainConfigMap('45s')]})).sleeps, [45_000, 45_000])
  assert.deepEqual((await watch({flags: {}, engines: ['saturation']})).sleeps, [30_000, 30_000])
  assert.deepEqual((await watch({flags: {interval: '250ms'}})).sleeps, [250, 250])
})

test('with --at, each evaluation moves --at on by the interval', async () => {
  const {ats, written} = await watch({flags: {interval: '1m', at: '2025-11-04T10:00:00Z'}, ticks: 3})
  assert.deepEqual(ats, ['2025-11-04T10:00:00.000Z', '2025-11-04T10:01:00.000Z', '2025-11-04T10:02:00.000Z'])
  assert.deepEqual(written, ['row 1\n', 'row 2\n', 'row 3\n'])
  assert.deepEqual((await watch({flags: {}})).ats, [undefined, undefined])
})

test('--interval must be a positive duration', async () => {
  await assert.rejects(watch({flags: {interval: '0s'}}), /^UsageError: --interval 0s: not a positive duration$/)
  await assert.rejects(watch({flags: {interval: 'soon'}}), {message: '--interval soon: not a positive duration'})
})
