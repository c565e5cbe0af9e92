import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {test} from 'node:test'

import {readManifests} from '../../../../src/core/read/manifests/read-manifests.js'
import {parseServiceClasses, type ConfigProblem} from '../../../../src/core/model/controller-config.js'
import {describeProblems} from '../../../../src/core/model/field-problems.js'
import {
  deploymentProblem,
  type KubeObject,
  listObjects,
  objectMetaProblem,
} from '../../../../src/core/model/kube-object.js'
import {MAX_BATCH_SIZE} from '../../../../src/core/model/limits.js'
import {normalizeVariantAutoscaling, perfParmProblem} from '../../../../src/core/model/variant-autoscaling.js'

const va = (
  spec: Record<string, unknown>,
  metadata: Record<string, unknown> = {name: 'v', namespace: 'llm'},
): KubeObject => ({apiVersion: 'llmd.ai/v1alpha1', kind: 'VariantAutoscaling', metadata, spec}) as KubeObject

const profile = (entry: Record<string, unknown>) => ({
  modelID: 'm',
  modelProfile: {
    accelerators: [
      {
        acc: 'H100',
        accCount: 1,
        maxBatchSize: 64,
        perfParms: {decodeParms: {alpha: '1', beta: '0.1'}, prefillParms: {gamma: '1', delta: '0.01'}},
        ...entry,
      },
    ],
  },
})

test('objectMetaProblem refuses non-string names, namespaces, labels and annotations, with a fix', () => {
  assert.equal(objectMetaProblem(va({})), undefined)
  assert.equal(objectMetaProblem({kind: 'X'}), undefined)
  assert.deepEqual(objectMetaProblem(va({}, {name: 12345})), {
    message: 'metadata.name must be a string, got number 12345',
    hint: 'quote it',
  })
  assert.match(
    objectMetaProblem(va({}, {name: 'a', namespace: {x: 1}}))!.message,
    /^metadata\.namespace must be a string, got object/,
  )
  assert.match(
    objectMetaProblem({metadata: 'x'} as unknown as KubeObject)!.message,
    /^metadata must be a map, got string/,
  )
  assert.match(
    objectMetaProblem(va({}, {name: 'a', labels: ['x']}))!.message,
    /^metadata\.labels must be a map of strings, got array/,
  )
  assert.match(
    objectMetaProblem(va({}, {name: 'a', annotations: {n: 5}}))!.message,
    /^metadata\.annotations\.n must be a string, got number 5/,
  )
  assert.match(
    objectMetaProblem(va({}, {name: 'x'.repeat(100) as unknown, namespace: ['y'.repeat(100)]}))!.message,
    /\.\.\.$/,
  )
})

test('deploymentProblem reads spec.replicas as the API server does', () => {
  const deployment = (spec: unknown) =>
    ({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'd'}, spec}) as KubeObject
  for (const ok of [{replicas: 0}, {replicas: 3}, {replicas: 2 ** 31 - 1}, {}, {replicas: null}, undefined])
    assert.equal(deploymentProblem(deployment(ok)), undefined, JSON.stringify(ok))
  assert.deepEqual(deploymentProblem(deployment({replicas: '2'})), {
    message: 'spec.replicas must be an integer, got string "2"',
    hint: 'write it without quotes, e.g. replicas: 2',
  })
  assert.match(deploymentProblem(deployment({replicas: -1}))!.message, /between 0 and 2147483647, got -1/)
  assert.match(deploymentProblem(deployment({replicas: 2 ** 31}))!.message, /between 0 and 2147483647/)
  assert.match(deploymentProblem(deployment({replicas: 1.5}))!.message, /must be an integer, got number 1\.5/)
  assert.match(deploymentProblem(deployment('x'))!.message, /spec must be a map, got string/)
})

test('listObjects keeps good items and reports each broken one by index', () => {
  const good = va({}, {name: 'a'})
  const {objects, problems} = listObjects([null, good, 'x', 3, [], va({}, {name: 7})], 'variantautoscalings')
  assert.deepEqual(objects, [good])
  assert.deepEqual(
    problems.map((problem) => `${problem.source}: ${problem.message}`),
    [
      'variantautoscalings items[0]: is null, not an object',
      'variantautoscalings items[2]: is string, not an object',
      'variantautoscalings items[3]: is number, not an object',
      'variantautoscalings items[4]: is array, not an object',
      'variantautoscalings items[5]: metadata.name must be a string, got number 7',
    ],
  )
  assert.ok(problems.every((problem) => problem.hint.length > 0))
  assert.deepEqual(listObjects(undefined, 'pods'), {objects: [], problems: []})
  assert.match(listObjects({}, 'pods').problems[0]!.message, /items is object, not a list/)
})

test('maxBatchSize, accCount and perf parameters are bounded when a VA is read', () => {
  const problems = (entry: Record<string, unknown>) =>
    normalizeVariantAutoscaling(va(profile(entry))).problems.map((problem) => `${problem.path}: ${problem.message}`)
  const at = 'spec.modelProfile.accelerators[0]'
  assert.deepEqual(problems({}), [])
  assert.deepEqual(problems({maxBatchSize: MAX_BATCH_SIZE}), [])
  assert.deepEqual(problems({maxBatchSize: 1e8}), [
    `${at}.maxBatchSize: must be at most ${MAX_BATCH_SIZE}, got 100000000`,
  ])
  assert.deepEqual(problems({maxBatchSize: 1e308}), [
    `${at}.maxBatchSize: must be at most ${MAX_BATCH_SIZE}, got 1e+308`,
  ])
  assert.deepEqual(problems({maxBatchSize: -5}), [`${at}.maxBatchSize: must be at least 1, got -5`])
  assert.deepEqual(problems({accCount: 0}), [`${at}.accCount: must be at least 1, got 0`])
  const parms = (alpha: string) =>
    problems({perfParms: {decodeParms: {alpha, beta: '0.1'}, prefillParms: {gamma: '1', delta: '0.01'}}})
  assert.deepEqual(parms('0'), [])
  assert.deepEqual(parms('-7.47'), [`${at}.perfParms.decodeParms.alpha: must not be negative, got "-7.47"`])
  assert.deepEqual(parms('1e39'), [`${at}.perfParms.decodeParms.alpha: is beyond float32's range, got "1e39"`])
  const b1 = normalizeVariantAutoscaling(
    va({
      modelID: 'm',
      variantID: 'x',
      accelerator: 'H100',
      minReplicas: 2 ** 31,
      variantProfile: {
        maxBatchSize: 9000,
        perfParms: {decodeParms: {alpha: '1', beta: '1'}, prefillParms: {gamma: '1', delta: '1'}},
      },
    }),
  )
  assert.deepEqual(
    b1.problems.map((problem) => problem.path),
    ['spec.variantProfile.maxBatchSize', 'spec.minReplicas'],
  )
})

test('perfParmProblem follows strconv.ParseFloat(s, 32) and refuses negative times', () => {
  for (const ok of ['0', '7.470', '.5', '1e-3', ' 2 ', '3.4e38']) assert.equal(perfParmProblem(ok), undefined, ok)
  assert.match(perfParmProblem('abc')!, /must be a decimal number in quotes/)
  assert.match(perfParmProblem('-0.1')!, /must not be negative/)
  assert.match(perfParmProblem('3.5e38')!, /beyond float32's range/)
})

test("describeProblems ends with a fix: the problems' own hints, or a default", () => {
  assert.equal(
    describeProblems([{path: 'spec.a', message: 'required'}]),
    'spec.a: required; fix the field in the VariantAutoscaling',
  )
  assert.equal(
    describeProblems([
      {path: 'a', message: 'x', hint: 'do y'},
      {path: 'b', message: 'z', hint: 'do y'},
    ]),
    'a: x; b: z; do y',
  )
})

test('a VA whose name or namespace is not a string normalises without throwing', () => {
  const normalized = normalizeVariantAutoscaling(va(profile({}), {name: 5, namespace: {}}))
  assert.equal(normalized.name, '')
  assert.equal(normalized.namespace, 'default')
})

test('a service class dropped for a bad SLO names the models it listed', () => {
  const problems: ConfigProblem[] = []
  const classes = parseServiceClasses(
    {'a.yaml': 'name: A\npriority: 1\ndata:\n- model: m1\n  slo-ttft: abc\n  slo-tpot: 10\n- model: m2\n'},
    problems,
  )
  assert.deepEqual(classes, [])
  assert.deepEqual(
    problems.map((problem) => problem.models),
    [['m1', 'm2']],
  )
})

test('readManifests: alias bombs, duplicate keys and dangling links are reported per document and file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kva-bad-input-'))
  t.after(() => rmSync(dir, {recursive: true, force: true}))
  const good = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\n'
  let bomb = 'a: &a [x, x, x, x, x, x, x, x, x]\n'
  for (const [name, previous] of [
    ['b', 'a'],
    ['c', 'b'],
    ['d', 'c'],
    ['e', 'd'],
    ['f', 'e'],
  ] as const)
    bomb += `${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]\n`
  writeFileSync(
    join(dir, 'a.yaml'),
    `${good}---\n${bomb}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  name: y\n`,
  )
  symlinkSync(join(dir, 'missing'), join(dir, 'b.yaml'))
  writeFileSync(
    join(dir, 'c.yaml'),
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  replicas: "2"\n',
  )
  const {sources, problems} = await readManifests([dir])
  assert.deepEqual(
    sources.configMaps.map((configMap) => configMap.metadata?.name),
    ['good'],
  )
  assert.deepEqual(sources.deployments, [])
  assert.deepEqual(
    problems.map((problem) => `${problem.source.slice(dir.length + 1)}: ${problem.message}`),
    [
      'a.yaml:6: YAML aliases expand beyond the limit of 1000 (an alias bomb?)',
      'a.yaml:17: invalid YAML: a map key is written twice',
      'b.yaml: cannot read: no such file (a dangling symbolic link?)',
      'c.yaml:1 (Deployment d): spec.replicas must be an integer, got string "2"',
    ],
  )
  assert.ok(problems.every((problem) => problem.hint !== '' && !problem.hint.includes('\n')))
})
