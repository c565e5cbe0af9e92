import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'

import {type CorpusCase, corpusSuite} from '../../support/corpus.js'
import {exampleCaptureOptions} from '../../support/fit-example.js'
import {repoRoot} from '../../support/paths.js'
import {profileTrafficOpenMetrics} from '../../support/profile-traffic.js'
import {closedPort} from '../../support/prometheus.js'

/**
 * Bad input to `kubectl va fit`: flags (exit 2), captures and manifests (exit 3), data that cannot identify a
 * parameter (exit 3, or 6 when the other form stands) and an unreachable Prometheus (exit 5), each one line.
 */
const capture = join(repoRoot, 'examples/fit/granite-8b.om.gz')
const manifests = join(repoRoot, 'examples/fit/granite-8b.yaml')
const offline = (...args: string[]) => ['fit', '--model', 'granite-8b', '-n', 'llm', '-f', capture, ...args]

corpusSuite('kubectl va fit: bad input', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kva-fit-corpus-'))
  t.after(() => rmSync(dir, {recursive: true, force: true}))
  const file = (name: string, text: string | Buffer) => {
    const path = join(dir, name)
    writeFileSync(path, text)
    return path
  }
  const flat = file('flat.om.gz', gzipSync(profileTrafficOpenMetrics({...exampleCaptureOptions, batch: [16, 16]})))
  const noPrefill = file(
    'no-prefill.om',
    profileTrafficOpenMetrics({...exampleCaptureOptions, prefill: 'ttft'}).replace(
      /^vllm:request_queue_time_seconds.*\n/gm,
      '',
    ),
  )
  const broken = file('broken.om', '# TYPE vllm:num_requests_running gauge\nvllm:num_requests_running{pod="a" 3 1\n')
  const noStamp = file('no-stamp.om', 'vllm:num_requests_running{namespace="llm",pod="a",model_name="m"} 3\n')
  const notGzip = file('plain.om.gz', 'vllm:num_requests_running 1 1\n')
  const port = await closedPort()
  const cases: CorpusCase[] = [
    {
      name: 'fit with neither NAME nor --model',
      args: ['fit'],
      code: 2,
      stderr: /^error: fit: needs a VariantAutoscaling NAME or --model ID; /m,
    },
    {
      name: 'fit NAME and --model',
      args: ['fit', 'x', '--model', 'm'],
      code: 2,
      stderr: /^error: NAME and --model: cannot be used together; /m,
    },
    {
      name: '--form v0.7',
      args: offline('--form', 'v0.7'),
      code: 2,
      stderr: /^error: --form v0\.7: unknown profile form; use v0\.5, v0\.6 or both$/m,
    },
    {name: '--window 0m', args: offline('--window', '0m'), code: 2, stderr: /^error: --window 0m: /m},
    {
      name: '--step 1.5s',
      args: offline('--step', '1500ms'),
      code: 2,
      stderr: /^error: --step 1500ms: must be whole seconds; /m,
    },
    {
      name: '--slo-ttft -5',
      args: offline('--slo-ttft', '-5'),
      code: 2,
      stderr: /^error: --slo-ttft -5: must be a positive number; /m,
    },
    {
      name: '--max-batch 1.5',
      args: offline('--max-batch', '1.5'),
      code: 2,
      stderr: /^error: --max-batch 1\.5: must be a positive integer; /m,
    },
    {name: '--to without --from', args: offline('--to', '-1h'), code: 2, stderr: /^error: --to: needs --from; /m},
    {
      name: '--since and --from',
      args: offline('--since', '1d', '--from', '-2d'),
      code: 2,
      stderr: /^error: --since and --from: /m,
    },
    {
      name: '-f with --prom-url',
      args: offline('--prom-url', 'http://127.0.0.1:9'),
      code: 2,
      stderr: /^error: --prom-url: cannot be combined with -f/m,
    },
    {
      name: '-f with only manifests',
      args: ['fit', 'granite-8b-h100', '-f', manifests],
      code: 2,
      stderr: /^error: -f: no capture of samples among the files; /m,
    },
    {
      name: '-o wide',
      args: offline('-o', 'wide'),
      code: 2,
      stderr: /^error: -o wide: unknown output format; use one of json,yaml$/m,
    },
    {
      name: '--model without -n, live',
      args: ['fit', '--model', 'm', '--prom-url', 'http://127.0.0.1:9'],
      code: 2,
      stderr: /^error: --model: needs -n NAMESPACE; /m,
    },
    {
      name: 'a capture that does not exist',
      args: ['fit', '--model', 'm', '-n', 'llm', '-f', join(dir, 'nope.om')],
      code: 3,
      stderr: /^error: .*nope\.om: no such file; /m,
    },
    {
      name: 'a capture with a broken line',
      args: ['fit', '--model', 'm', '-n', 'llm', '-f', broken],
      code: 3,
      stderr: /^error: .*broken\.om:2: not a sample line; /m,
    },
    {
      name: 'a sample without a timestamp',
      args: ['fit', '--model', 'm', '-n', 'llm', '-f', noStamp],
      code: 3,
      stderr: /^error: .*no-stamp\.om:1: a sample without a timestamp; /m,
    },
    {
      name: 'a .gz capture that is not gzip',
      args: ['fit', '--model', 'm', '-n', 'llm', '-f', notGzip],
      code: 3,
      stderr: /^error: .*plain\.om\.gz: not gzip data; /m,
    },
    {
      name: 'a model the capture does not have',
      args: ['fit', '--model', 'llama', '-n', 'llm', '-f', capture],
      code: 3,
      stderr: /^error: .*: no series of llama in namespace llm; pick one with --model and -n: llm\/granite-8b$/m,
    },
    {
      name: 'a VA not in the -f manifests',
      args: ['fit', 'nope', '-n', 'llm', '-f', capture, '-f', manifests],
      code: 3,
      stderr: /^error: variantautoscaling nope: not found in the -f manifests; /m,
    },
    {
      name: 'a constant batch cannot identify β',
      args: ['fit', '--model', 'granite-8b', '-n', 'llm', '-f', flat, '--form', 'v0.5'],
      code: 3,
      stderr:
        /^error: model llm\/granite-8b: v0\.5 beta not identifiable: the running batch barely varies \(16 to 16 over /m,
    },
    {
      name: 'no prefill time cannot identify γ, δ',
      args: ['fit', '--model', 'granite-8b', '-n', 'llm', '-f', noPrefill, '--form', 'v0.5'],
      code: 3,
      stderr: /^error: model llm\/granite-8b: v0\.5 gamma, delta not identifiable: no prefill time in the range/m,
    },
    {
      name: 'both forms, one refused: partial',
      args: offline('--no-chart'),
      code: 6,
      stdout: /^4-PARAMETER PROFILE/m,
      stderr: /^error: model llm\/granite-8b: v0\.6 gamma not identifiable: negative/m,
    },
    {
      name: 'Prometheus unreachable',
      args: ['fit', '--model', 'm', '-n', 'llm', '--prom-url', `http://127.0.0.1:${port}`, '--since', '1h'],
      code: 5,
    },
  ]
  return cases
})
