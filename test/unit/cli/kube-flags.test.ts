import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {test} from 'node:test'

import {kubeFlags, parseRequestTimeout, toClusterReadOptions} from '../../../src/cli/kube-flags.js'
import {UsageError} from '../../../src/core/errors.js'
import {repoRoot} from '../../support/paths.js'

test('--request-timeout takes kubectl values: 0, bare seconds, and Go durations', () => {
  assert.equal(parseRequestTimeout('0'), undefined)
  assert.equal(parseRequestTimeout('0s'), undefined)
  assert.equal(parseRequestTimeout('30s'), 30_000)
  assert.equal(parseRequestTimeout('1m'), 60_000)
  assert.equal(parseRequestTimeout('1m30s'), 90_000)
  assert.equal(parseRequestTimeout('500ms'), 500)
  assert.equal(parseRequestTimeout('1.5h'), 5_400_000)
  assert.equal(parseRequestTimeout('5'), 5_000)
  for (const bad of ['-1s', '1d', 'soon', '', '1 m']) assert.throws(() => parseRequestTimeout(bad), UsageError, bad)
})

test('flags become read options once, with kubeconfig settings grouped', () => {
  const options = toClusterReadOptions(
    {
      kubeconfig: './kc',
      context: 'prod',
      namespace: 'llm',
      'all-namespaces': false,
      selector: 'app=x',
      'request-timeout': '10s',
      'controller-namespace': 'wva-system',
    },
    [],
  )
  assert.deepEqual(options, {
    kubeconfig: {kubeconfig: './kc', context: 'prod', cluster: undefined, user: undefined, namespace: 'llm'},
    allNamespaces: false,
    names: [],
    labelSelector: 'app=x',
    controllerNamespace: 'wva-system',
    requestTimeoutMs: 10_000,
  })
  assert.equal(toClusterReadOptions({'all-namespaces': true}).allNamespaces, true)
  assert.deepEqual(toClusterReadOptions({}, ['granite-8b']).names, ['granite-8b'])
})

test('bad combinations and names are usage errors', () => {
  assert.throws(
    () => toClusterReadOptions({selector: 'a=b'}, ['x']),
    /name cannot be provided when a selector is specified/,
  )
  assert.throws(() => toClusterReadOptions({namespace: 'Not_Valid'}), /--namespace Not_Valid: not a valid namespace/)
  assert.throws(() => toClusterReadOptions({}, ['UPPER']), /UsageError: UPPER: not a valid VariantAutoscaling name$/)
  assert.throws(() => toClusterReadOptions({'request-timeout': 'forever'}), UsageError)
})

test('the flag group uses kubectl names and short flags, under KUBECONFIG', () => {
  assert.deepEqual(Object.keys(kubeFlags), [
    'kubeconfig',
    'context',
    'cluster',
    'user',
    'namespace',
    'all-namespaces',
    'selector',
    'request-timeout',
    'controller-namespace',
  ])
  assert.equal(kubeFlags.namespace.char, 'n')
  assert.equal(kubeFlags['all-namespaces'].char, 'A')
  assert.equal(kubeFlags.selector.char, 'l')
  for (const flag of Object.values(kubeFlags)) assert.equal(flag.helpGroup, 'KUBECONFIG')
})

test('the flag group and the cluster layer load client-node, undici and yaml only through dynamic import()', () => {
  // --help loads src/cli; a static import of a heavy module anywhere in its graph would slow every start.
  const heavy = ['@kubernetes/client-node', 'undici', 'yaml']
  const seen = new Set<string>()
  const visit = (file: string) => {
    if (seen.has(file)) return
    seen.add(file)
    const source = readFileSync(file, 'utf8')
    for (const match of source.matchAll(/^\s*import\s+(?!type\b)[^'"]*from\s+['"]([^'"]+)['"]/gm)) {
      const specifier = match[1]!
      assert.ok(!heavy.includes(specifier), `${file} imports ${specifier} statically`)
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier))
    }
  }
  const dist = join(repoRoot, 'dist', 'src')
  for (const entry of [
    'cli/kube-flags.js',
    'core/read/kube/kubeconfig.js',
    'core/read/kube/read-sources.js',
    'core/read/kube/kube-client.js',
    'core/model/shape.js',
  ])
    visit(join(dist, entry))
  assert.ok(seen.size >= 7)
})
