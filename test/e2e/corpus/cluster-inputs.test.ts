import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import type {ServerResponse} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {KubeObject} from '../../../src/core/model/kube-object.js'
import {type CorpusCase, corpusSuite} from '../../support/corpus.js'
import {kubeconfigYaml, startFakeApiServer} from '../../support/fake-api-server.js'
import {clusterFixture} from '../../support/kube-fixtures.js'
import {makeTlsFiles, sendJson, startFakePrometheus} from '../../support/prometheus-fake.js'

/**
 * Broken answers from the API server and Prometheus, and what must come of them (issue 10, "crashes"): an API list
 * holding null, a string or an object with a numeric name drops that item with one error line and keeps the others
 * (exit 6); a Prometheus result holding null is one error line naming Prometheus, exit 5, the VAs still listed.
 *
 * The API server here is a plain HTTPS handler answering the read paths kubectl va uses with the fixture objects, so
 * that a list can hold what no real server stores; the Prometheus faults run against the regular fake API server.
 */
const fixture = () => clusterFixture('crd-a-v0.0.4', 'shape-a-v0.0.4', 'controller-v0.0.4')
const plurals: Record<string, string> = {
  variantautoscalings: 'VariantAutoscaling',
  deployments: 'Deployment',
  configmaps: 'ConfigMap',
  pods: 'Pod',
  replicasets: 'ReplicaSet',
}

type Breaker = (plural: string, items: unknown[]) => unknown

/** Answers GET list and get paths from `objects`; `brk` may replace a list's items (the fault under test). */
function answer(objects: readonly KubeObject[], brk: Breaker, url: string, response: ServerResponse): void {
  const {pathname} = new URL(url, 'https://127.0.0.1')
  if (pathname.startsWith('/apis/apiextensions.k8s.io/v1/customresourcedefinitions/')) {
    const crd = objects.find((object) => object.kind === 'CustomResourceDefinition')
    if (crd) sendJson(response, 200, crd)
    else notFound(response)
    return
  }
  const match = /^\/apis?\/(?:[^/]+\/)?v1(?:alpha1)?(?:\/namespaces\/([^/]+))?\/([a-z]+)(?:\/([^/]+))?$/.exec(pathname)
  const kind = match ? plurals[match[2]!] : undefined
  if (!match || !kind) {
    notFound(response)
    return
  }
  const [, namespace, plural, name] = match
  const selected = objects.filter(
    (object) => object.kind === kind && (namespace === undefined || object.metadata?.namespace === namespace),
  )
  if (name !== undefined) {
    const object = selected.find((candidate) => candidate.metadata?.name === name)
    if (object) sendJson(response, 200, object)
    else notFound(response)
    return
  }
  sendJson(response, 200, {
    apiVersion: 'v1',
    kind: `${kind}List`,
    metadata: {resourceVersion: '1'},
    items: brk(plural!, [...selected]),
  })
}

function notFound(response: ServerResponse): void {
  sendJson(response, 404, {
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    reason: 'NotFound',
    code: 404,
    message: 'not found',
  })
}

corpusSuite('corpus: broken API lists and Prometheus answers', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kva-corpus-cluster-'))
  t.after(() => rmSync(dir, {recursive: true, force: true}))
  const tls = makeTlsFiles(t)
  const caPem = readFileSync(tls.caFile, 'utf8')
  const token = 'corpus-api-token-5f1c0e9a7b'
  const objects = fixture()
  const cases: CorpusCase[] = []
  const withBrokenList = async (
    name: string,
    brk: Breaker,
    expect: Omit<CorpusCase, 'name' | 'args' | 'env'>,
    args = ['get', '--no-metrics'],
  ) => {
    const server = await startFakePrometheus(t, (request, response) => answer(objects, brk, request.url, response), {
      tls,
    })
    const kubeconfig = join(dir, `kubeconfig-${cases.length}`)
    writeFileSync(kubeconfig, kubeconfigYaml(server.url.replace(/\/$/, ''), caPem, token, 'llm'), {mode: 0o600})
    cases.push({name, args, env: {KUBECONFIG: kubeconfig}, secrets: [token], ...expect})
  }
  const inList =
    (target: string, bad: unknown, at = 0): Breaker =>
    (plural, items) => {
      if (plural === target) items.splice(at, 0, bad)
      return items
    }
  const keptBoth = {code: 6, stdout: /^granite-13b-l40s\s[\s\S]*^vllme-deployment\s/m}

  // --- Crashes: one broken item of a list is reported for itself; the other objects are kept.
  await withBrokenList('api: a VA list holding null', inList('variantautoscalings', null), {
    ...keptBoth,
    stderr: /^error: variantautoscalings items\[0\]: is null, not an object; the API server or a proxy returned/m,
  })
  await withBrokenList('api: a VA list holding a string', inList('variantautoscalings', 'oops', 1), {
    ...keptBoth,
    stderr: /variantautoscalings items\[1\]: is string, not an object; /,
  })
  await withBrokenList('api: a VA list holding a number', inList('variantautoscalings', 42, 2), {
    ...keptBoth,
    stderr: /variantautoscalings items\[2\]: is number/,
  })
  await withBrokenList('api: a VA list holding a list', inList('variantautoscalings', [], 1), {
    ...keptBoth,
    stderr: /variantautoscalings items\[1\]: is array/,
  })
  const numericName = {
    apiVersion: 'llmd.ai/v1alpha1',
    kind: 'VariantAutoscaling',
    metadata: {name: 12345, namespace: 'llm'},
    spec: {modelID: 'x'},
  }
  await withBrokenList('api: a VA whose name is a number', inList('variantautoscalings', numericName, 1), {
    ...keptBoth,
    stderr: /variantautoscalings items\[1\]: metadata\.name must be a string, got number 12345; quote it/,
  })
  const numericNamespace = {
    apiVersion: 'llmd.ai/v1alpha1',
    kind: 'VariantAutoscaling',
    metadata: {name: 'zz', namespace: 7},
    spec: {modelID: 'x'},
  }
  await withBrokenList('api: a VA whose namespace is a number', inList('variantautoscalings', numericNamespace), {
    ...keptBoth,
    stderr: /metadata\.namespace must be a string, got number 7/,
  })
  await withBrokenList(
    'api: a VA list whose items is a string',
    (plural, items) => (plural === 'variantautoscalings' ? 'nope' : items),
    {
      code: 4,
      stderr: /^error: listing variantautoscalings\.llmd\.ai in namespace "llm": the answer's items is not a list; /m,
    },
  )
  await withBrokenList(
    'api: a Deployment list whose items is a map',
    (plural, items) => (plural === 'deployments' ? {} : items),
    {code: 6, stdout: /^vllme-deployment\s/m, stderr: /^error: deployments list: items is object, not a list; /m},
  )
  await withBrokenList('api: a Deployment list holding null', inList('deployments', null), {
    ...keptBoth,
    stderr: /^error: deployments items\[0\]: is null, not an object; /m,
  })
  await withBrokenList('api: a Deployment list holding a string', inList('deployments', 'x', 1), {
    ...keptBoth,
    stderr: /deployments items\[1\]: is string/,
  })
  await withBrokenList('api: a ConfigMap list holding null', inList('configmaps', null), {
    ...keptBoth,
    stderr: /configmaps items\[0\]: is null/,
  })
  await withBrokenList(
    'api: a ConfigMap with a numeric name',
    inList('configmaps', {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 1}}),
    {...keptBoth, stderr: /configmaps items\[0\]: metadata\.name must be a string/},
  )
  await withBrokenList(
    'api: null in a list, -o json',
    inList('variantautoscalings', null),
    {code: 6, stdout: /"name": "granite-13b-l40s"/, stderr: /items\[0\]: is null/},
    ['get', '--no-metrics', '-o', 'json'],
  )
  await withBrokenList(
    'api: null in a list, describe all',
    inList('variantautoscalings', null),
    {code: 6, stdout: /^Name:\s+vllme-deployment$/m, stderr: /items\[0\]: is null/},
    ['describe', '--no-metrics'],
  )
  await withBrokenList(
    'api: describe one VA reads it alone',
    inList('variantautoscalings', null),
    {code: 0, stdout: /^Name:\s+vllme-deployment$/m},
    ['describe', 'vllme-deployment', '--no-metrics'],
  )
  await withBrokenList(
    'api: null in a list, simulate',
    inList('variantautoscalings', null),
    {code: 6, stdout: /granite-13b-l40s/, stderr: /items\[0\]: is null/},
    ['simulate', '--no-metrics', '--arrival-rate', '60', '--input-tokens', '100', '--output-tokens', '100'],
  )
  const quotedReplicas: Breaker = (plural, items) =>
    plural === 'deployments'
      ? items.map((item) =>
          (item as KubeObject).metadata?.name === 'vllme-deployment'
            ? {...(item as KubeObject), spec: {...((item as KubeObject).spec as object), replicas: '2'}}
            : item,
        )
      : items
  await withBrokenList('api: a Deployment whose replicas is a string', quotedReplicas, {
    ...keptBoth,
    stderr: /^error: deployments items\[\d\]: spec\.replicas must be an integer, got string "2"; /m,
  })
  const hostile: Breaker = (plural, items) =>
    plural === 'variantautoscalings'
      ? items.map((item) =>
          (item as KubeObject).metadata?.name === 'granite-13b-l40s'
            ? {
                ...(item as KubeObject),
                spec: {...((item as KubeObject).spec as object), modelID: '\u001b]0;pwned\u0007\u001b[2K'},
              }
            : item,
        )
      : items
  // eslint-disable-next-line no-control-regex
  await withBrokenList(
    'api: terminal escapes in a model ID are escaped',
    hostile,
    {code: 0, stdout: /^(?![\s\S]*\u001b)[\s\S]*^granite-13b-l40s\s+\^\[\]0;pwned\^G\^\[\[2K\s/m},
    ['get', '--no-metrics', '-o', 'wide'],
  )
  await withBrokenList('api: a well-formed list is fine', (_plural, items) => items, {
    code: 0,
    stdout: /^vllme-deployment\s/m,
  })

  // --- Crashes: a Prometheus result holding null (or other non-series) is a malformed answer: exit 5, rows kept.
  const api = await startFakeApiServer(t, objects)
  const kubeconfig = api.writeKubeconfig({namespace: 'llm'})
  const withPrometheus = async (name: string, result: unknown, expect: Omit<CorpusCase, 'name' | 'args' | 'env'>) => {
    const prometheus = await startFakePrometheus(t, (_request, response) =>
      sendJson(response, 200, {status: 'success', data: {resultType: 'vector', result}}),
    )
    cases.push({
      name,
      args: ['get', '--prom-url', prometheus.url],
      env: {KUBECONFIG: kubeconfig},
      secrets: [api.token],
      ...expect,
    })
  }
  const kept = {code: 5, stdout: /^vllme-deployment\s/m}
  await withPrometheus('prometheus: a result holding null', [null], {
    ...kept,
    stderr: /unexpected result: vector result\[0\] is null, not a series; /,
  })
  await withPrometheus('prometheus: a result holding a string', ['x'], {
    ...kept,
    stderr: /vector result\[0\] is string, not a series/,
  })
  await withPrometheus('prometheus: a sample value null', [{metric: {}, value: [1, null]}], {
    ...kept,
    stderr: /sample value is null, not a string/,
  })
  await withPrometheus('prometheus: a metric null', [{metric: null, value: [1, '1']}], {
    ...kept,
    stderr: /series has no metric object/,
  })
  await withPrometheus('prometheus: a label value null', [{metric: {model_name: null}, value: [1, '1']}], {
    ...kept,
    stderr: /label "model_name" is null, not a string/,
  })
  await withPrometheus('prometheus: a label value a number', [{metric: {namespace: 5}, value: [1, '1']}], {
    ...kept,
    stderr: /label "namespace" is number/,
  })
  await withPrometheus('prometheus: a timestamp null', [{metric: {}, value: [null, '1']}], {
    ...kept,
    stderr: /sample is not a \[time, "value"\] pair/,
  })
  await withPrometheus('prometheus: the result null', null, {...kept, stderr: /vector result is not an array/})

  // --- snapshot --output-file: a good path still works (the checks only refuse bad ones).
  const output = join(dir, 'snapshot.yaml')
  cases.push({
    name: 'snapshot: --output-file in an existing directory',
    args: ['snapshot', '--no-metrics', '--output-file', output],
    env: {KUBECONFIG: kubeconfig},
    code: 0,
    stderr: /^wrote \d+ objects to \S+snapshot\.yaml$/m,
    secrets: [api.token],
  })
  return cases
})
