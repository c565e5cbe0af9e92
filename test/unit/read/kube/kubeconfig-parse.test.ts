import assert from 'node:assert/strict'
import {test} from 'node:test'

import {
  mergeKubeconfigs,
  parseKubeconfig,
  resolveKubeconfigPaths,
} from '../../../../src/core/read/kube/kubeconfig-parse.js'

// Parsing alone: text in, config or problem out, no file read (kubeconfig.test.ts covers the files).

test('a kubeconfig in YAML or JSON parses to its entries; an empty document is an empty config', async () => {
  const yaml = [
    'apiVersion: v1',
    'clusters:',
    '- name: c',
    '  cluster: {server: "https://api.example:6443", insecure-skip-tls-verify: true}',
    'users:',
    '- name: u',
    '  user: {token: abc}',
    'contexts:',
    '- name: x',
    '  context: {cluster: c, user: u, namespace: llm}',
    'current-context: x',
  ].join('\n')
  const parsed = await parseKubeconfig(yaml)
  assert.deepEqual(parsed, {
    ok: true,
    config: {
      apiVersion: 'v1',
      clusters: [{name: 'c', cluster: {server: 'https://api.example:6443', 'insecure-skip-tls-verify': true}}],
      users: [{name: 'u', user: {token: 'abc'}}],
      contexts: [{name: 'x', context: {cluster: 'c', user: 'u', namespace: 'llm'}}],
      'current-context': 'x',
    },
  })
  const json = await parseKubeconfig(JSON.stringify({clusters: [{name: 'c'}], 'current-context': 'c'}))
  assert.deepEqual(json, {ok: true, config: {clusters: [{name: 'c'}], 'current-context': 'c'}})
  assert.deepEqual(await parseKubeconfig(''), {ok: true, config: {}})
  assert.deepEqual(await parseKubeconfig('# only a comment\n'), {ok: true, config: {}})
  assert.deepEqual(await parseKubeconfig('clusters: null\n'), {ok: true, config: {clusters: null}})
})

test('not a mapping, a section that is not a list, or broken YAML is a problem quoting no line', async () => {
  assert.deepEqual(await parseKubeconfig('- a\n- b\n'), {ok: false, problem: 'not a YAML mapping'})
  assert.deepEqual(await parseKubeconfig('just a string'), {ok: false, problem: 'not a YAML mapping'})
  for (const section of ['clusters', 'users', 'contexts']) {
    assert.deepEqual(await parseKubeconfig(`${section}: {name: x}\n`), {
      ok: false,
      problem: `"${section}" is not a list`,
    })
  }
  const token = 'sha256~SuperSecretTokenValue0123456789'
  const broken = await parseKubeconfig(`users:\n- name: u\n  user:\n    token: ${token}\n   bad: [indent\n`)
  assert.equal(broken.ok, false)
  if (broken.ok) return
  assert.notEqual(broken.problem, '')
  assert.equal(broken.problem.includes('\n'), false)
  assert.equal(broken.problem.includes(token), false)
})

test('relative paths resolve against the directory; absolute paths and bare exec commands stay', () => {
  const resolved = resolveKubeconfigPaths(
    {
      clusters: [{name: 'c', cluster: {server: 's', 'certificate-authority': 'ca.crt'}}],
      users: [
        {
          name: 'u',
          user: {
            'client-certificate': 'certs/client.crt',
            'client-key': '/abs/client.key',
            'token-file': 'token',
            exec: {command: './bin/plugin'},
          },
        },
        {name: 'v', user: {exec: {command: 'gke-gcloud-auth-plugin'}}},
      ],
    },
    '/home/me/.kube',
  )
  assert.deepEqual(resolved.clusters, [
    {name: 'c', cluster: {server: 's', 'certificate-authority': '/home/me/.kube/ca.crt'}},
  ])
  assert.deepEqual(resolved.users, [
    {
      name: 'u',
      user: {
        'client-certificate': '/home/me/.kube/certs/client.crt',
        'client-key': '/abs/client.key',
        'token-file': '/home/me/.kube/token',
        exec: {command: '/home/me/.kube/bin/plugin'},
      },
    },
    {name: 'v', user: {exec: {command: 'gke-gcloud-auth-plugin'}}},
  ])
})

test('merging ignores entries without a name and an empty current-context', () => {
  const merged = mergeKubeconfigs([
    {'current-context': '', clusters: [{name: 'a', cluster: {server: '1'}}]},
    {'current-context': 'second', clusters: [{name: 'a', cluster: {server: '2'}}, {cluster: {}} as never]},
  ])
  assert.equal(merged['current-context'], 'second')
  assert.deepEqual(merged.clusters, [{name: 'a', cluster: {server: '1'}}])
  assert.deepEqual(merged.users, [])
  assert.deepEqual(merged.contexts, [])
})
