import assert from 'node:assert/strict'
import {chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {test} from 'node:test'

import {clusterLookups} from '../../src/cli/completion/cluster-lookups.js'
import {
  complete,
  formatCompletion,
  type CompletionCommand,
  type CompletionLookups,
} from '../../src/cli/completion/complete.js'

// The engine against commands shaped like the planned get/describe (kubeconfig flags, a VA name argument), which
// are not on this branch yet, with lookups that record what they were asked.
const kubeFlags = {
  namespace: {name: 'namespace', char: 'n', type: 'option', description: 'Namespace.'},
  context: {name: 'context', type: 'option', description: 'Kubeconfig context.'},
  kubeconfig: {name: 'kubeconfig', type: 'option', description: 'Kubeconfig file.'},
  output: {name: 'output', char: 'o', type: 'option', description: 'Output format: table|wide|json|yaml|name.'},
  'all-namespaces': {name: 'all-namespaces', char: 'A', type: 'boolean', description: 'All namespaces.'},
} as const
const commands: CompletionCommand[] = [
  {id: 'describe', summary: 'Explain one VA', flags: kubeFlags, args: [{name: 'name'}]},
  {id: 'get', summary: 'List VAs', flags: kubeFlags, args: [{name: 'names'}]},
  {id: 'config:view', summary: 'Show settings', flags: {}, args: []},
  {id: '__complete', hidden: true, flags: {}, args: []},
]

function recordingLookups() {
  const calls: string[] = []
  const lookups: CompletionLookups = {
    contexts: async (s) => {
      calls.push(`contexts ${JSON.stringify(s)}`)
      return [{value: 'kind-dev', description: 'cluster kind'}, {value: 'prod'}]
    },
    namespaces: async (s) => {
      calls.push(`namespaces ${JSON.stringify(s)}`)
      return [{value: 'llm'}, {value: 'default'}]
    },
    variantAutoscalings: async (s) => {
      calls.push(`vas ${JSON.stringify(s)}`)
      return [{value: 'granite-8b'}, {value: 'llama-70b'}]
    },
  }
  return {calls, lookups}
}

const values = (result: {candidates: readonly {value: string}[]}) => result.candidates.map((c) => c.value)

test('topics complete word by word', async () => {
  const {lookups} = recordingLookups()
  assert.deepEqual(values(await complete([''], commands, lookups)), ['config', 'describe', 'get'])
  assert.deepEqual(values(await complete(['config', ''], commands, lookups)), ['view'])
})

test('namespaces complete after -n and --namespace=, using the context typed so far', async () => {
  const {calls, lookups} = recordingLookups()
  assert.deepEqual(values(await complete(['get', '--context', 'prod', '-n', 'l'], commands, lookups)), ['llm'])
  assert.deepEqual(values(await complete(['get', '--namespace=d'], commands, lookups)), ['--namespace=default'])
  assert.deepEqual(calls, ['namespaces {"context":"prod"}', 'namespaces {}'])
})

test('contexts complete from the lookup with descriptions', async () => {
  const {lookups} = recordingLookups()
  const result = await complete(['describe', '--context', ''], commands, lookups)
  assert.equal(formatCompletion(result), 'kind-dev\tcluster kind\nprod\n:4\n')
  assert.equal(formatCompletion(result, false), 'kind-dev\nprod\n:4\n')
})

test('VA names complete as the positional argument, in the namespace given', async () => {
  const {calls, lookups} = recordingLookups()
  assert.deepEqual(values(await complete(['describe', '-n', 'llm', 'gr'], commands, lookups)), ['granite-8b'])
  assert.deepEqual(calls, ['vas {"namespace":"llm"}'])
})

test('-o values come from the flag description; --kubeconfig falls back to file completion', async () => {
  const {lookups} = recordingLookups()
  assert.deepEqual(values(await complete(['get', '-o', ''], commands, lookups)), [
    'table',
    'wide',
    'json',
    'yaml',
    'name',
  ])
  assert.deepEqual(await complete(['get', '--kubeconfig', ''], commands, lookups), {candidates: [], directive: 0})
})

test('flags already given are not offered again, and boolean flags take no value', async () => {
  const {lookups} = recordingLookups()
  const offered = values(await complete(['get', '-A', '--output', 'json', '--'], commands, lookups))
  assert.deepEqual(offered, ['--context', '--kubeconfig', '--namespace'])
  assert.deepEqual(values(await complete(['get', '-A', ''], commands, lookups)), ['granite-8b', 'llama-70b'])
})

test('cluster lookups: contexts from every KUBECONFIG file, first definition wins', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kva-kubeconfig-'))
  t.after(() => rmSync(dir, {recursive: true, force: true}))
  writeFileSync(join(dir, 'a'), 'contexts:\n- name: dev\n  context: {cluster: kind}\n')
  writeFileSync(
    join(dir, 'b'),
    'contexts:\n- name: dev\n  context: {cluster: other}\n- name: prod\n  context: {cluster: eks}\n',
  )
  const lookups = clusterLookups({KUBECONFIG: `${join(dir, 'a')}:${join(dir, 'missing')}:${join(dir, 'b')}`})
  assert.deepEqual(await lookups.contexts({}), [
    {value: 'dev', description: 'cluster kind'},
    {value: 'prod', description: 'cluster eks'},
  ])
})

test('cluster lookups: names come from kubectl get -o name, and a failing kubectl yields nothing', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kva-fake-kubectl-'))
  t.after(() => rmSync(dir, {recursive: true, force: true}))
  const fake = join(dir, 'kubectl')
  writeFileSync(
    fake,
    '#!/bin/sh\necho "$@" > "$(dirname "$0")/args"\necho variantautoscaling.llmd.ai/granite-8b\necho ' +
      'variantautoscaling.llmd.ai/llama-70b\n',
  )
  chmodSync(fake, 0o755)
  const lookups = clusterLookups({KUBECTL_VA_KUBECTL: fake, PATH: process.env.PATH})
  assert.deepEqual(await lookups.variantAutoscalings({namespace: 'llm', context: 'prod'}), [
    {value: 'granite-8b'},
    {value: 'llama-70b'},
  ])
  assert.equal(
    readFileSync(join(dir, 'args'), 'utf8'),
    'get variantautoscalings.llmd.ai --namespace llm --output=name --request-timeout=2s --context prod\n',
  )
  const failing = join(dir, 'failing')
  writeFileSync(failing, '#!/bin/sh\necho "error: You must be logged in" >&2\nexit 1\n')
  chmodSync(failing, 0o755)
  assert.deepEqual(await clusterLookups({KUBECTL_VA_KUBECTL: failing}).namespaces({}), [])
  assert.deepEqual(await clusterLookups({KUBECTL_VA_KUBECTL: join(dir, 'absent')}).namespaces({}), [])
})
