import assert from 'node:assert/strict'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {test} from 'node:test'

import {joinRegExp} from '../../support/regexp.js'
import {type CorpusCase, corpusSuite} from '../../support/corpus.js'
import {repoRoot} from '../../support/paths.js'
import {kubectlVaDirect} from '../../support/run-cli.js'

// Bad MetricsSnapshots, idle models and load what-ifs whose arithmetic overflows. A bad part of a snapshot costs only
// itself (a warning) and the VAs it feeds (one error line each); a known zero rate decides zeroLoad; a rate beyond
// float32 is a usage error (flags) or an error for its VA, never a silent decision.

/** The quickstart's two VAs with their ConfigMaps and Deployments, and no MetricsSnapshot. */
const quickstart = readFileSync(join(repoRoot, 'examples', 'quickstart.yaml'), 'utf8').replace(
  /apiVersion: kubectl-va[\s\S]*$/,
  '',
)
/** The same with llama-8b-h100 alone (granite's VA and Deployment removed): one VA, so one error line at most. */
const llamaOnly = quickstart
  .split('\n---\n')
  .filter((document) => !/name: granite-13b-l40s/.test(document))
  .join('\n---\n')

const llama =
  '{namespace: llm, modelID: meta/llama-3.1-8b, arrivalRate: 8200.5, avgInputTokens: 512.3, ' +
  'avgOutputTokens: 250.9}'
const granite = (fields: string) => `{namespace: llm, modelID: ibm/granite-13b${fields ? `, ${fields}` : ''}}`
const graniteOk = granite('arrivalRate: 300.2, avgInputTokens: 1024, avgOutputTokens: 180.4')

function snapshotDocument(body: string): string {
  return `---\napiVersion: kubectl-va.llmd.ai/v1alpha1\nkind: MetricsSnapshot\n${body}\n`
}

/** Two VAs and a snapshot with llama's entry and this one for granite. */
function withGranite(entry: string): string {
  return `${quickstart}${snapshotDocument(`models:\n- ${llama}\n- ${entry}`)}`
}

/** 200 VAs of 200 models (shape A, one service class, one accelerator) and a snapshot entry for each. */
export function manyModels(count: number, entry: (index: number) => string): string {
  const id = (index: number) => String(index).padStart(3, '0')
  const profile =
    '{acc: H100, accCount: 1, maxBatchSize: 64, perfParms: ' +
    '{decodeParms: {alpha: "7.470", beta: "0.044"}, prefillParms: {gamma: "15.415", delta: "0.000337"}}}'
  const documents: string[] = []
  for (let index = 0; index < count; index++) {
    documents.push(
      [
        'apiVersion: llmd.ai/v1alpha1',
        'kind: VariantAutoscaling',
        `metadata: {name: va-${id(index)}, namespace: llm, labels: {inference.optimization/acceleratorName: H100}}`,
        `spec: {modelID: org/m-${id(index)}, modelProfile: {accelerators: [${profile}]}}`,
      ].join('\n'),
    )
  }
  const classLine = (index: number) => `    - {model: org/m-${id(index)}, slo-tpot: 24, slo-ttft: 500}`
  const classes = Array.from({length: count}, (_, index) => classLine(index))
  documents.push(
    [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: service-classes-config, namespace: workload-variant-autoscaler-system}',
      'data:',
      '  premium.yaml: |',
      '    name: Premium',
      '    priority: 1',
      '    data:',
      ...classes,
    ].join('\n'),
  )
  documents.push(
    [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: accelerator-unit-costs, namespace: workload-variant-autoscaler-system}',
      'data: {H100: \'{"device": "NVIDIA-H100-80GB-HBM3", "cost": "100.0"}\'}',
    ].join('\n'),
  )
  const models = Array.from({length: count}, (_, index) => `- ${entry(index)}`)
  return `${documents.join('\n---\n')}\n${snapshotDocument(`models:\n${models.join('\n')}`)}`
}

const manyEntry = (bad: number) => (index: number) => {
  const id = String(index).padStart(3, '0')
  const rate = index === bad ? -5 : 600
  return `{namespace: llm, modelID: org/m-${id}, arrivalRate: ${rate}, avgInputTokens: 512, avgOutputTokens: 250}`
}

const graniteNoLoad =
  'error: variantautoscaling llm/granite-13b-l40s: no load for model "ibm/granite-13b" ' + 'in namespace llm'
const graniteSkipped = (what: RegExp) => new RegExp(`^${graniteNoLoad} .*${what.source}`, 'm')
const llamaKept = /^llama-8b-h100\s+8200\.5\s+2\s+3\s/m

corpusSuite('corpus: MetricsSnapshot, idle models and load arithmetic', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kva-corpus-snapshot-'))
  t.after(() => rmSync(dir, {recursive: true, force: true}))
  const file = (name: string, text: string) => {
    const path = join(dir, name)
    writeFileSync(path, text)
    return path
  }
  const simulateFile = (name: string, text: string, ...flags: string[]) => [
    'simulate',
    '-f',
    file(name, text),
    ...flags,
  ]
  /** The quickstart plus a snapshot document with this body. */
  const bothWith = (body: string) => `${quickstart}${snapshotDocument(body)}`
  const both = `models:\n- ${llama}\n- ${graniteOk}`
  /** llama-8b-h100 alone, with its snapshot entry. */
  const oneVa = `${llamaOnly}${snapshotDocument(`models:\n- ${llama}`)}`
  const splitDir = join(dir, 'split')
  mkdirSync(splitDir)
  writeFileSync(join(splitDir, 'a-setup.yaml'), quickstart)
  const splitSnapshot = snapshotDocument(`models:\n- ${llama}\n- ${granite('arrivalRate: -1')}`)
  writeFileSync(join(splitDir, 'b-snapshot.yaml'), splitSnapshot)

  const tokens = 'avgInputTokens: 1024, avgOutputTokens: 180'
  const rate = 'arrivalRate: 300'
  const badEntries: Array<[string, string, RegExp]> = [
    ['a negative arrivalRate', `arrivalRate: -5, ${tokens}`, /arrivalRate: must not be negative, got -5; fix the/],
    ['a negative avgInputTokens', `${rate}, avgInputTokens: -1, avgOutputTokens: 180`, /avgInputTokens: must not be/],
    ['a negative avgOutputTokens', `${rate}, avgInputTokens: 1024, avgOutputTokens: -1`, /avgOutputTokens: must not/],
    ['a non-numeric arrivalRate', `arrivalRate: lots, ${tokens}`, /arrivalRate: must be a number, got string "lots"/],
    ['a boolean arrivalRate', `arrivalRate: true, ${tokens}`, /arrivalRate: must be a number, got boolean true/],
    ['an object arrivalRate', `arrivalRate: {value: 3}, ${tokens}`, /arrivalRate: must be a number, got object/],
    ['an infinite arrivalRate', `arrivalRate: .inf, ${tokens}`, /arrivalRate: is \+Inf; omit the field/],
    ['a -Inf arrivalRate (quoted)', `arrivalRate: "-Inf", ${tokens}`, /arrivalRate: is -Inf/],
    ['an arrivalRate beyond float32', `arrivalRate: 1e39, ${tokens}`, /arrivalRate: 1e\+39 is beyond float32/],
    ['an infinite avgOutputTokens', `${rate}, avgInputTokens: 1024, avgOutputTokens: .inf`, /avgOutputTokens: is \+/],
  ]
  const invalid = /its MetricsSnapshot entry \(.*models\[1\]\) is invalid: /.source
  const cases: CorpusCase[] = badEntries.map(([name, fields, why]) => ({
    name: `snapshot: ${name} sets that entry aside; the other model is decided (exit 6)`,
    args: simulateFile(`${name.replaceAll(/\W+/g, '-')}.yaml`, withGranite(granite(fields))),
    code: 6,
    stderr: new RegExp(`^warning: .*models\\[1\\]: [\\s\\S]*${graniteNoLoad} .*${invalid}${why.source}`, 'm'),
    stdout: llamaKept,
  }))

  cases.push(
    {
      name: 'snapshot: a NaN arrivalRate is no data: granite has no rate, llama is decided (exit 6)',
      args: simulateFile('nan-rate.yaml', withGranite(granite(`arrivalRate: .nan, ${tokens}`))),
      code: 6,
      stderr: graniteSkipped(/\(missing arrival rate\): its MetricsSnapshot entry has no arrivalRate; add it, or /),
      stdout: llamaKept,
    },
    {
      name: 'snapshot: an entry without modelID is ignored with a warning; granite then has no entry (exit 6)',
      args: simulateFile('no-model-id.yaml', withGranite('{namespace: llm, arrivalRate: 300}')),
      code: 6,
      stderr: /^warning: .*models\[1\]: modelID: required string, got undefined; the entry is ignored$[\s\S]*no Metr/m,
      stdout: llamaKept,
    },
    {
      name: 'snapshot: a numeric modelID is ignored with a warning (exit 6)',
      args: simulateFile('numeric-model-id.yaml', withGranite('{namespace: llm, modelID: 13, arrivalRate: 300}')),
      code: 6,
      stderr: /models\[1\]: modelID: required string, got number; the entry is ignored/,
      stdout: llamaKept,
    },
    {
      name: 'snapshot: a models entry that is a string is ignored with a warning (exit 6)',
      args: simulateFile('string-entry.yaml', withGranite('granite')),
      code: 6,
      stderr: /models\[1\]: must be an object; the entry is ignored/,
      stdout: llamaKept,
    },
    {
      name: 'snapshot: a bad ttftMs is dropped alone: both models are still decided (exit 0)',
      args: simulateFile('bad-ttft.yaml', withGranite(granite(`arrivalRate: 300.2, ttftMs: -3, ${tokens}`))),
      code: 0,
      stderr: /^warning: .*MetricsSnapshot models\[1\]\.ttftMs: must not be negative, got -3; ignored$/m,
      stdout: /^granite-13b-l40s\s+300\.2\s/m,
    },
    {
      name: 'snapshot: the bad entry in its own file of a directory costs only its model (exit 6)',
      args: ['simulate', '-f', splitDir],
      code: 6,
      stderr: /b-snapshot\.yaml:\d+: MetricsSnapshot models\[1\]: arrivalRate: must not be negative, got -1; the entry/,
      stdout: llamaKept,
    },
    {
      name: 'snapshot: one VA whose entry is negative: one error line and the warning (exit 3)',
      args: simulateFile('single.yaml', oneVa.replace('arrivalRate: 8200.5', 'arrivalRate: -5')),
      code: 3,
      stderr: /^error: variantautoscaling llm\/llama-8b-h100: .*is invalid: arrivalRate: must not be negative, got -5/m,
    },
    {
      name: 'snapshot: models is not a list: a warning, and the one VA has no load (exit 3)',
      args: simulateFile('models-string.yaml', `${llamaOnly}${snapshotDocument('models: none')}`),
      code: 3,
      stderr: /^warning: .*MetricsSnapshot models: required list; no model entries read$[\s\S]*no MetricsSnapshot/m,
    },
    {
      name: 'snapshot: models missing: a warning, and the one VA has no load (exit 3)',
      args: simulateFile('models-missing.yaml', `${llamaOnly}${snapshotDocument('time: "2026-11-28T10:00:00Z"')}`),
      code: 3,
      stderr: /MetricsSnapshot models: required list/,
    },
    {
      name: 'snapshot: another apiVersion: the document is ignored, the VA says none is there (exit 3)',
      args: simulateFile('api.yaml', oneVa.replace('apiVersion: kubectl-va.llmd.ai/v1alpha1', 'apiVersion: v1')),
      code: 3,
      stderr: /MetricsSnapshot apiVersion: must be .*, got v1; the document is ignored$[\s\S]*the manifests hold no/m,
    },
    {
      name: 'snapshot: a bad time is ignored with a warning (exit 0)',
      args: simulateFile('bad-time.yaml', bothWith(`time: yesterday\n${both}`)),
      code: 0,
      stderr: /MetricsSnapshot time: must be an RFC 3339 time; ignored/,
      stdout: llamaKept,
    },
    {
      name: 'snapshot: a numeric window is ignored with a warning (exit 0)',
      args: simulateFile('bad-window.yaml', bothWith(`window: 60\n${both}`)),
      code: 0,
      stderr: /MetricsSnapshot window: must be a duration string like 1m; ignored/,
      stdout: llamaKept,
    },
    {
      name: 'snapshot: pods that is not a list is ignored with a warning (exit 0)',
      args: simulateFile('pods-string.yaml', bothWith(`${both}\npods: many`)),
      code: 0,
      stderr: /MetricsSnapshot pods: must be a list; ignored/,
      stdout: llamaKept,
    },
    {
      name: 'snapshot: a pod with a negative KV usage is ignored alone (exit 0)',
      args: simulateFile('pod-negative.yaml', bothWith(`${both}\npods:\n- {name: p, kvCacheUsage: -1}`)),
      code: 0,
      stderr: /MetricsSnapshot pods\[0\]\.kvCacheUsage: must be a non-negative number; the entry is ignored/,
      stdout: llamaKept,
    },
    {
      name: 'snapshot: a retention count that is negative is ignored alone (exit 0)',
      args: simulateFile('retention.yaml', bothWith(`${both}\nrequestsInRetention: [{requests: -2}]`)),
      code: 0,
      stderr: /MetricsSnapshot requestsInRetention\[0\]: needs namespace, modelID and requests \(a number, zero or/,
      stdout: llamaKept,
    },
    {
      name: 'snapshot: 200 models, one at arrivalRate -5: the 199 others are decided (exit 6)',
      args: simulateFile('many.yaml', manyModels(200, manyEntry(117))),
      code: 6,
      stderr: /^error: variantautoscaling llm\/va-117: .*models\[117\]\) is invalid: arrivalRate: must not be/m,
      stdout: /^va-199\s+600\s+1\s+1\s/m,
    },
    {
      name: 'get -f: a bad entry is a warning; the other VA is recomputed (exit 0)',
      args: ['get', '-f', file('get-negative.yaml', withGranite(granite('arrivalRate: -5')))],
      code: 0,
      stderr: /^warning: .*MetricsSnapshot models\[1\]: arrivalRate: must not be negative, got -5; the entry is/m,
      stdout: /^llama-8b-h100\s+8200\.5\s.*\s3$/m,
    },
    // Idle models: a known zero rate decides zeroLoad whatever the token averages are.
    {
      name: 'idle: arrivalRate 0 and no token averages decides zeroLoad 1 (exit 0)',
      args: simulateFile('idle.yaml', withGranite(granite('arrivalRate: 0')), '-o', 'wide'),
      code: 0,
      stdout: joinRegExp(
        [
          /^granite-13b-l40s\s+\S+\s+L40S\s+A\s+queueing-model\s+0\s+<none>\/<none>\s+2000\/200\s+512/,
          /\s+1\s+<none>\s+1\s.*zeroLoad$/,
        ],
        'm',
      ),
    },
    {
      name: 'idle: NaN token averages (0/0) decide zeroLoad 1 without a warning (exit 0)',
      args: simulateFile('n.yaml', withGranite(granite('arrivalRate: 0, avgInputTokens: .nan, avgOutputTokens: .NaN'))),
      code: 0,
      stdout: /^granite-13b-l40s\s+0\s+1\s+1\s/m,
    },
    {
      name: 'idle: --scale-to-zero decides 0 replicas (exit 0)',
      args: simulateFile('idle-stz.yaml', withGranite(granite('arrivalRate: 0')), '--scale-to-zero'),
      code: 0,
      stdout: /^granite-13b-l40s\s+0\s+1\s+0\s/m,
    },
    {
      name: 'idle: --arrival-rate 100 needs token averages the idle entry lacks (exit 6)',
      args: simulateFile('idle-rate.yaml', withGranite(granite('arrivalRate: 0')), '--arrival-rate', '100'),
      code: 6,
      stderr: graniteSkipped(/has no avgInputTokens and avgOutputTokens, which a rate of 100 req\/min needs; add them/),
      stdout: /^llama-8b-h100\s+100\s/m,
    },
    {
      name: 'idle: --load-scale 0 makes every rate a known zero: zeroLoad for both (exit 0)',
      args: simulateFile('scale-zero.yaml', withGranite(granite('arrivalRate: 40')), '-o', 'wide', '--load-scale', '0'),
      code: 0,
      stdout: /^granite-13b-l40s\s.*zeroLoad\n^llama-8b-h100\s.*zeroLoad$/m,
    },
    // Load arithmetic beyond float32 (the controller's type): never a silent zero load.
    {
      name: 'load: --load-scale 1e308 is a usage error (exit 2)',
      args: simulateFile('scale-308.yaml', withGranite(graniteOk), '--load-scale', '1e308'),
      code: 2,
      stderr: /^error: --load-scale 1e308: must be at most 3\.4e38; the controller computes in /m,
    },
    {
      name: 'load: --arrival-rate 1e39 is a usage error (exit 2)',
      args: simulateFile('rate-39.yaml', withGranite(graniteOk), '--arrival-rate', '1e39'),
      code: 2,
      stderr: /^error: --arrival-rate 1e39: must be at most 3\.4e38/m,
    },
    {
      name: 'load: --load-scale Infinity is a usage error with an example (exit 2)',
      args: simulateFile('scale-inf.yaml', withGranite(graniteOk), '--load-scale', 'Infinity'),
      code: 2,
      stderr: /^error: --load-scale Infinity: must be a number; pass a number, e\.g\. --load-scale 1$/m,
    },
    {
      name: 'load: --load-scale 1e36 takes llama beyond float32: an error for that VA only (exit 6)',
      args: simulateFile('scale-36.yaml', withGranite(graniteOk), '--load-scale', '1e36'),
      code: 6,
      stderr: /^error: variantautoscaling llm\/llama-8b-h100: arrival rate 8200\.5 req\/min × --load-scale 1e\+36 /m,
      stdout: /^granite-13b-l40s\s+3\.002e\+38\s/m,
    },
    {
      name: 'load: --load-scale 1e36 with one VA: its one error line (exit 3)',
      args: simulateFile('scale-36-one.yaml', oneVa, '--load-scale=1e36'),
      code: 3,
      stderr: /^error: variantautoscaling llm\/llama-8b-h100: arrival rate .* beyond float32 .*; pass a smaller /m,
    },
  )
  return cases
})

test('a snapshot with one invalid entry among 200 decides every other model, number for number', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kva-many-'))
  try {
    const path = join(dir, 'many.yaml')
    writeFileSync(path, manyModels(200, manyEntry(117)))
    const run = await kubectlVaDirect(['simulate', '-f', path, '-o', 'json'])
    assert.equal(run.code, 6, run.stderr)
    type Item = {name: string; outcome: string; desired: {replicas: number} | null}
    const items = (JSON.parse(run.stdout) as {items: Item[]}).items
    assert.equal(items.length, 200)
    const decided = items.filter((item) => item.outcome === 'allocated')
    assert.equal(decided.length, 199)
    assert.ok(
      decided.every((item) => item.desired?.replicas === 1),
      'every valid model at 600 req/min needs 1 replica',
    )
    const others = items.filter((item) => item.outcome !== 'allocated')
    assert.deepEqual(
      others.map((item) => [item.name, item.outcome, item.desired]),
      [['va-117', 'skipped', null]],
    )
    const lines = run.stderr.trimEnd().split('\n')
    assert.equal(lines.length, 2, run.stderr)
    assert.match(lines[0]!, /^warning: .*many\.yaml:\d+: MetricsSnapshot models\[117\]: arrivalRate: must not be /)
    assert.match(lines[1]!, /^error: variantautoscaling llm\/va-117: /)
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})
