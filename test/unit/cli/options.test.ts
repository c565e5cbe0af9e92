import assert from 'node:assert/strict'
import {test} from 'node:test'

import {fitOptions} from '../../../src/cli/fit-options.js'
import {atEvaluationTime, inputOptions} from '../../../src/cli/input-options.js'
import {scalersOptions} from '../../../src/cli/scalers-options.js'
import {simulateOptions} from '../../../src/cli/simulate-options.js'
import {snapshotOptions} from '../../../src/cli/snapshot-options.js'
import {UsageError} from '../../../src/core/errors.js'

const now = new Date('2026-08-10T12:00:00Z')
const noEnv: NodeJS.ProcessEnv = {}

/** The one line main() prints for a usage error: `error: <object>: <what>; <fix>`. */
function errorLine(build: () => unknown): string {
  try {
    build()
  } catch (error) {
    assert.ok(error instanceof UsageError, `a UsageError, got ${String(error)}`)
    return `error: ${error.message}; ${error.hint}`
  }
  assert.fail('no error')
}

test('inputOptions: no flags reads the current namespace of the cluster, with the Prometheus defaults', () => {
  const options = inputOptions({}, [], now, noEnv)
  assert.equal(options.source.kind, 'cluster')
  assert.ok(options.source.kind === 'cluster')
  assert.equal(options.source.at, undefined)
  assert.deepEqual(options.source.cluster.names, [])
  assert.equal(options.source.cluster.allNamespaces, false)
  assert.equal(options.source.cluster.requestTimeoutMs, undefined)
  assert.deepEqual(options.names, [])
  assert.equal(options.allNamespaces, false)
  assert.equal(options.prometheus.enabled, true)
  assert.equal(options.prometheus.window, '1m')
  assert.equal(options.prometheus.timeoutMs, 15_000)
  assert.equal(options.prometheus.tuning?.maxPointsPerRequest, 11_000)
  assert.equal(options.prometheus.tuning?.retry?.retries, 3)
  assert.equal(options.prometheus.envUrl, undefined)
  assert.equal(options.prometheus.bearerToken, undefined)
})

test('inputOptions: KUBECTL_VA_PROM_* fill what the flags leave out; a flag wins over its variable', () => {
  const env = {KUBECTL_VA_PROM_URL: 'http://prom:9090', KUBECTL_VA_PROM_TOKEN: 'from-env', KUBECTL_VA_PROM_CA_FILE: ''}
  const fromEnv = inputOptions({}, [], now, env).prometheus
  assert.equal(fromEnv.envUrl, 'http://prom:9090')
  assert.equal(fromEnv.url, undefined)
  assert.equal(fromEnv.bearerToken, 'from-env')
  assert.equal(fromEnv.caFile, undefined, 'an empty variable is unset')
  assert.equal(inputOptions({'prom-token': 'from-flag'}, [], now, env).prometheus.bearerToken, 'from-flag')
})

test('inputOptions: names, -n, -A, --request-timeout and --at become the cluster read, --at against now', () => {
  const options = inputOptions(
    {namespace: 'llm', 'request-timeout': '30s', at: '-15m', 'all-namespaces': true},
    ['a', 'b'],
    now,
    noEnv,
  )
  assert.ok(options.source.kind === 'cluster')
  assert.deepEqual(options.source.cluster.names, ['a', 'b'])
  assert.equal(options.source.cluster.requestTimeoutMs, 30_000)
  assert.equal(options.source.cluster.allNamespaces, true)
  assert.equal(options.source.at?.toISOString(), '2026-08-10T11:45:00.000Z')
  assert.deepEqual(options.names, ['a', 'b'])
  assert.equal(options.allNamespaces, true)
  assert.equal(options.namespace, 'llm')
})

test('inputOptions: -f reads manifests offline and refuses the flags that address a cluster or Prometheus', () => {
  const options = inputOptions({filename: ['a.yaml', 'dir/'], recursive: true, namespace: 'llm'}, ['x'], now, noEnv)
  assert.deepEqual(options.source, {kind: 'manifests', paths: ['a.yaml', 'dir/'], recursive: true})
  assert.equal(options.namespace, 'llm')
  for (const flag of ['context', 'kubeconfig', 'cluster', 'user', 'prom-url', 'at'] as const) {
    const value = flag === 'prom-url' ? 'http://prom:9090' : flag === 'at' ? '-1m' : 'x'
    assert.equal(
      errorLine(() => inputOptions({filename: ['a.yaml'], [flag]: value}, [], now, noEnv)),
      `error: --${flag}: cannot be combined with -f (manifests are read offline); drop --${flag}, or drop -f to ` +
        'read the cluster',
    )
  }
})

test('inputOptions: the checks run in their documented order, Prometheus flags before -f and scope', () => {
  assert.equal(
    errorLine(() => inputOptions({'prom-timeout': 'soon', filename: ['a.yaml'], context: 'x'}, [], now, noEnv)),
    'error: --prom-timeout soon: not a duration; use e.g. --prom-timeout 15s or 500ms',
  )
  assert.equal(
    errorLine(() => inputOptions({namespace: 'Bad_NS'}, [], now, noEnv)),
    'error: --namespace Bad_NS: not a valid namespace name; use lowercase letters, digits and "-", at most 63 ' +
      'characters',
  )
  assert.match(
    errorLine(() => inputOptions({at: 'yesterday'}, [], now, noEnv)),
    /^error: invalid --at "?yesterday/,
  )
})

test('atEvaluationTime: a watch poll re-reads the cluster at its own --at; offline options stay as they are', () => {
  const live = inputOptions({at: '-15m'}, [], now, noEnv)
  const later = new Date(now.getTime() + 60_000)
  const moved = atEvaluationTime(live, '-15m', later)
  assert.ok(moved.source.kind === 'cluster')
  assert.equal(moved.source.at?.toISOString(), new Date(later.getTime() - 15 * 60_000).toISOString())
  assert.equal(moved.prometheus.at, '-15m')
  const current = atEvaluationTime(live, undefined, later)
  assert.ok(current.source.kind === 'cluster')
  assert.equal(current.source.at, undefined)
  const offline = inputOptions({filename: ['examples/quickstart.yaml']}, [], now, noEnv)
  assert.equal(atEvaluationTime(offline, '-15m', later), offline)
})

test('simulateOptions: what-ifs, the mode and the inputs in one value; templates and labels need an instant', () => {
  const instant = simulateOptions({output: 'table', 'load-scale': '2', 'scale-to-zero': false}, [], now, noEnv)
  assert.equal(instant.mode.mode, 'instant')
  assert.equal(instant.whatIf.loadScale, 2)
  assert.equal(instant.whatIf.scaleToZero, false)
  assert.equal(instant.chart, undefined)
  assert.equal(instant.noHeaders, false)
  const replay = simulateOptions({output: 'csv', since: '1h', step: '5m', chart: false}, ['v1'], now, noEnv)
  assert.ok(replay.mode.mode === 'replay')
  assert.equal(replay.mode.range.stepSeconds, 300)
  assert.equal(replay.mode.range.end.toISOString(), '2026-08-10T12:00:00.000Z')
  assert.equal(replay.chart, false)
  const sweep = simulateOptions({output: 'csv', sweep: 'arrival-rate=100:300:100'}, [], now, noEnv)
  assert.equal(sweep.mode.mode, 'sweep')
  assert.equal(simulateOptions({output: 'csv'}, [], now, noEnv).output, 'csv')
  assert.equal(
    errorLine(() => simulateOptions({output: 'jsonpath={.items[*].name}', since: '1h'}, [], now, noEnv)),
    'error: -o jsonpath: only for a single instant, not with --sweep or --since/--from; ' +
      'use -o csv or -o json for sweeps and replays',
  )
  assert.equal(
    errorLine(() => simulateOptions({output: 'csv', 'max-batch': '0', since: 'x'}, [], now, noEnv)),
    'error: --max-batch 0: must be at least 1; pass 1 or more',
  )
})

test('snapshotOptions: --output-file as given, the inputs as get reads them', () => {
  const options = snapshotOptions({'output-file': 'snap.yaml', namespace: 'llm'}, ['v1'], now, noEnv)
  assert.equal(options.outputFile, 'snap.yaml')
  assert.equal(options.inputs.source.kind, 'cluster')
  assert.deepEqual(options.inputs.names, ['v1'])
  assert.equal(snapshotOptions({}, [], now, noEnv).outputFile, undefined)
})

test('scalersOptions: -A drops -n, -f reads offline, what-ifs and replays are checked together', () => {
  const list = scalersOptions({output: 'table', namespace: 'llm', 'all-namespaces': true}, [], now, noEnv)
  assert.equal(list.mode.mode, 'instant')
  assert.equal(list.namespace, undefined)
  assert.equal(list.allNamespaces, true)
  assert.equal(list.source.kind, 'cluster')
  assert.equal(list.scaler.why, 'changes')
  const offline = scalersOptions(
    {output: 'csv', filename: ['examples/scalers/'], namespace: 'llm', from: '-1h', min: '2'},
    ['qwen'],
    now,
    noEnv,
  )
  assert.deepEqual(offline.source, {kind: 'manifests', paths: ['examples/scalers/'], recursive: undefined})
  assert.equal(offline.namespace, 'llm')
  assert.equal(offline.mode.mode, 'replay')
  assert.equal(offline.scaler.anyWhatIf, true)
  assert.equal(scalersOptions({output: 'table', at: '-1m'}, [], now, noEnv).atMs, now.getTime() - 60_000)
  assert.equal(
    errorLine(() => scalersOptions({output: 'table', min: '2'}, ['qwen'], now, noEnv)),
    'error: --threshold/--min/--max/--stabilization/--policy/--scaler-file/--why: need --since or --from; replay ' +
      'history, e.g. --since 1d',
  )
  assert.equal(
    errorLine(() => scalersOptions({output: 'table', since: '1h'}, [], now, noEnv)),
    'error: --since/--from: name the scalers to replay; e.g. kubectl va scalers NAME --since 1d',
  )
  assert.equal(
    errorLine(() => scalersOptions({output: 'table', selector: 'a=b'}, ['qwen'], now, noEnv)),
    'error: NAME: name cannot be provided when a selector is specified; pass scaler names or -l SELECTOR, not both',
  )
  assert.equal(
    errorLine(() =>
      scalersOptions({output: 'table', filename: ['x.yaml'], 'prom-url': 'http://p:9090'}, [], now, noEnv),
    ),
    'error: --prom-url: cannot be combined with -f (manifests are read offline); drop --prom-url, or drop -f to ' +
      'read the cluster',
  )
})

test('fitOptions: live needs NAME or --model with -n; --prom-url spares the cluster read; -f is offline', () => {
  const byName = fitOptions({output: 'table'}, 'granite', now, noEnv)
  assert.equal(byName.name, 'granite')
  assert.deepEqual(byName.live?.cluster?.names, ['granite'])
  assert.equal(byName.fit.range?.end.toISOString(), now.toISOString())
  assert.equal(byName.fit.range?.start.toISOString(), '2026-08-09T12:00:00.000Z', 'live defaults to the last day')
  const byModel = fitOptions(
    {output: 'json', model: 'ibm/granite', namespace: 'llm', 'prom-url': 'http://p:9090'},
    undefined,
    now,
    noEnv,
  )
  assert.equal(byModel.live?.cluster, undefined)
  assert.equal(byModel.live?.prometheus.url, 'http://p:9090')
  const fromEnv = fitOptions({output: 'table', model: 'm', namespace: 'llm'}, undefined, now, {
    KUBECTL_VA_PROM_URL: 'http://p:9090',
  })
  assert.equal(fromEnv.live?.cluster, undefined)
  const offline = fitOptions({output: 'yaml', filename: ['c.om.gz', 'va.yaml'], form: 'v0.5'}, 'granite', now, noEnv)
  assert.equal(offline.live, undefined)
  assert.deepEqual(offline.fit.captures, ['c.om.gz'])
  assert.deepEqual(offline.fit.manifests, ['va.yaml'])
  assert.deepEqual(offline.fit.forms, ['v0.5'])
  assert.equal(
    errorLine(() => fitOptions({output: 'table', model: 'm'}, 'granite', now, noEnv)),
    'error: NAME and --model: cannot be used together; name a VA, or pass --model ID',
  )
  assert.equal(
    errorLine(() => fitOptions({output: 'table'}, undefined, now, noEnv)),
    'error: fit: needs a VariantAutoscaling NAME or --model ID; e.g. kubectl va fit my-va -n llm',
  )
  assert.equal(
    errorLine(() => fitOptions({output: 'table', model: 'm'}, undefined, now, noEnv)),
    'error: --model: needs -n NAMESPACE; the vLLM series are matched by namespace and model_name',
  )
  assert.equal(
    errorLine(() => fitOptions({output: 'table', filename: ['c.om'], context: 'prod'}, undefined, now, noEnv)),
    'error: --context: cannot be combined with -f (the capture is read offline); drop --context, or drop -f to ' +
      'read Prometheus',
  )
})
