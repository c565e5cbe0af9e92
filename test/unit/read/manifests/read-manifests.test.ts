import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {test} from 'node:test'

import {readManifests} from '../../../../src/core/read/manifests/read-manifests.js'
import {parseMetricsSnapshot} from '../../../../src/core/read/manifests/metrics-snapshot.js'
import {fixturePath, repoRoot} from '../../../support/paths.js'

test('the quickstart example yields two VAs, two Deployments, two ConfigMaps and one snapshot', async () => {
  const {sources, problems} = await readManifests([`${repoRoot}/examples/quickstart.yaml`])
  assert.deepEqual(problems, [])
  assert.deepEqual(
    sources.variantAutoscalings.map((va) => va.metadata?.name),
    ['llama-8b-h100', 'granite-13b-l40s'],
  )
  assert.equal(sources.deployments.length, 2)
  assert.deepEqual(
    sources.configMaps.map((cm) => cm.metadata?.name),
    ['service-classes-config', 'accelerator-unit-costs'],
  )
  assert.equal(sources.metricsSnapshots[0]?.models[0]?.arrivalRateRpm, 8200.5)
})

test('unknown kinds are ignored with a warning that names the location', async () => {
  const {sources} = await readManifests([fixturePath('manifests', 'broken.yaml')])
  assert.equal(sources.warnings.length, 1)
  assert.match(sources.warnings[0]!, /broken\.yaml:\d+: ignoring kind Service/)
})

test('unparsable YAML is reported with file and line, and other files are still read', async () => {
  const {sources, problems} = await readManifests([fixturePath('manifests')])
  assert.equal(problems.length, 1)
  assert.match(problems[0]!.source, /unparsable\.yaml:\d+$/)
  assert.match(problems[0]!.message, /^invalid YAML/)
  assert.equal(sources.variantAutoscalings.length, 3)
})

test('a path that does not exist is an input error', async () => {
  await assert.rejects(readManifests(['/nonexistent/path.yaml']), {
    name: 'InputError',
    message: /the path "\/nonexistent\/path.yaml": does not exist/,
  })
})

test('a path that cannot be read is not "does not exist": a symbolic link loop says what it is', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kva-loop-'))
  t.after(() => rmSync(dir, {recursive: true, force: true}))
  symlinkSync('loop.yaml', join(dir, 'loop.yaml'))
  await assert.rejects(readManifests([join(dir, 'loop.yaml')]), {
    name: 'InputError',
    message: `the path "${join(dir, 'loop.yaml')}": cannot read: too many levels of symbolic links`,
    hint: 'fix the symbolic link loop',
  })
  await assert.rejects(readManifests([join(dir, 'missing', 'x.yaml')]), {message: /: does not exist$/})
})

test('kind: List documents are expanded and JSON is accepted', async () => {
  const list = JSON.stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: [
      {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'a'}},
      {apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'b'}},
    ],
  })
  const {sources} = await readManifests(['-'], {stdin: async () => list})
  assert.equal(sources.configMaps.length, 1)
  assert.equal(sources.deployments.length, 1)
})

test('a MetricsSnapshot sets each bad entry aside alone, with every problem and its path', () => {
  const parsed = parseMetricsSnapshot(
    {
      apiVersion: 'kubectl-va.llmd.ai/v1alpha1',
      kind: 'MetricsSnapshot',
      models: [
        {namespace: 'llm', modelID: 'm', arrivalRate: -3, avgInputTokens: '+Inf', avgOutputTokens: 'many'},
        {modelID: 'x'},
        {namespace: 'llm', modelID: 'ok', arrivalRate: 5, avgInputTokens: 10, avgOutputTokens: 20},
      ],
    },
    'f.yaml:1',
  )
  assert.deepEqual(parsed.problems, [
    {
      path: 'models[0]',
      message:
        'arrivalRate: must not be negative, got -3, avgInputTokens: is +Inf; omit the field when there is no ' +
        'data, avgOutputTokens: must be a number, got string "many"; the entry is ignored',
    },
    {path: 'models[1]', message: 'namespace: required string, got undefined; the entry is ignored'},
  ])
  const ok = {namespace: 'llm', modelID: 'ok', arrivalRateRpm: 5, avgInputTokens: 10, avgOutputTokens: 20}
  assert.deepEqual(parsed.snapshot?.models, [ok])
  // The entry without a namespace cannot be tied to a VA; the other one can.
  const rejected = parsed.snapshot?.rejectedModels?.map((entry) => [entry.namespace, entry.modelID, entry.source])
  assert.deepEqual(rejected, [['llm', 'm', 'f.yaml:1 models[0]']])
})
