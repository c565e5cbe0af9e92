import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {test} from 'node:test'

import {startFakeApiServer} from '../support/fake-api-server.js'
import {clusterFixture} from '../support/kube-fixtures.js'
import {pinnedNode, repoRoot} from '../support/paths.js'
import {sendJson, startFakePrometheus} from '../support/prometheus-fake.js'
import {cleanEnv, runCommand} from '../support/run-cli.js'

const heavy = ['@kubernetes/client-node', 'undici']

async function modulesLoadedBy(args: string[], env: Record<string, string> = {}): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'kva-modules-'))
  try {
    const log = join(dir, 'modules.log')
    const preload = join(repoRoot, 'dist/test/support/record-modules.js')
    const run = await runCommand(pinnedNode, ['--import', preload, join(repoRoot, 'bin/run.js'), ...args], {
      env: cleanEnv({...env, KUBECTL_VA_MODULE_LOG: log}),
    })
    assert.equal(run.code, 0, run.stderr)
    return readFileSync(log, 'utf8').split('\n').filter(Boolean)
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

const offlineFit = ['fit', '--model', 'granite-8b', '-n', 'llm', '--form', 'v0.5', '--no-chart']
const fitCapture = ['-f', join(repoRoot, 'examples/fit/granite-8b.om.gz')]
for (const args of [
  ['--help'],
  ['version'],
  ['simulate', '--help'],
  ['fit', '--help'],
  [...offlineFit, ...fitCapture],
]) {
  test(`"${args.join(' ')}" loads neither @kubernetes/client-node nor undici`, async () => {
    const modules = await modulesLoadedBy(args)
    assert.ok(
      modules.some((url) => url.includes('@oclif/core')),
      'the recorder saw oclif, so it works',
    )
    for (const name of heavy)
      assert.deepEqual(
        modules.filter((url) => url.includes(`/node_modules/${name}/`)),
        [],
        `${name} was loaded`,
      )
  })
}

test('live "get -A" with metrics reads the API server and Prometheus without undici (no proxy applies)', async (t) => {
  const objects = clusterFixture('crd-a-v0.0.4', 'controller-v0.0.4', 'shape-a-v0.0.4')
  const api = await startFakeApiServer(t, objects)
  const empty = {status: 'success', data: {resultType: 'vector', result: []}}
  const prometheus = await startFakePrometheus(t, (_request, response) => sendJson(response, 200, empty))
  const env = {KUBECONFIG: api.writeKubeconfig({namespace: 'default'}), KUBECTL_VA_PROM_URL: prometheus.url}
  const modules = await modulesLoadedBy(['get', '-A'], env)
  assert.ok(prometheus.requests.length > 0, 'Prometheus was queried')
  for (const name of heavy) {
    assert.deepEqual(
      modules.filter((url) => url.includes(`/node_modules/${name}/`)),
      [],
      `${name} was loaded`,
    )
  }
})
