import {join} from 'node:path'

import {type CorpusCase, corpusSuite} from '../../support/corpus.js'
import {repoRoot} from '../../support/paths.js'

/**
 * Bad flags, arguments and combinations: every one is a usage error (exit 2) printed as one line,
 * `error: <object>: <what>; <fix>`, before anything is read or reached (no kubeconfig exists in these runs).
 */
const examples = join(repoRoot, 'examples', 'quickstart.yaml')
const sim = (...args: string[]) => ['simulate', '-f', examples, ...args]
const secret = 'flag-secret-7f3a9c2e1b'

type Extra = Partial<CorpusCase>
const usage = (name: string, args: readonly string[], stderr?: RegExp, extra: Extra = {}): CorpusCase => ({
  name,
  args,
  code: 2,
  ...(stderr ? {stderr} : {}),
  ...extra,
})

const cases: CorpusCase[] = [
  // -o
  usage(
    '-o xml on get',
    ['get', '-o', 'xml'],
    /^error: -o xml: unknown output format; use one of wide,json,yaml,name,csv$/m,
  ),
  usage(
    '-o xml on simulate',
    sim('-o', 'xml'),
    /^error: -o xml: unknown output format; use one of wide,json,yaml,csv$/m,
  ),
  usage(
    '-o wide on describe',
    ['describe', '-o', 'wide'],
    /^error: -o wide: unknown output format; use one of json,yaml$/m,
  ),
  usage(
    '-o jsonpath with an unclosed action',
    ['get', '-o', 'jsonpath={.items'],
    /^error: -o "jsonpath=\{\.items": unclosed action at 0; fix the template; docs\/output\.md lists the JSONPath/m,
  ),
  usage(
    '-o custom-columns without a path',
    ['get', '-o', 'custom-columns=NAME'],
    /^error: -o custom-columns=NAME: unexpected custom-columns spec "NAME", expected <header>:<json-path>; /m,
  ),
  usage('-o jsonpath-file that does not exist', ['get', '-o', 'jsonpath-file=/nonexistent'], /no such file, ENOENT/m),
  usage(
    '--sort-by a field no item has',
    ['get', '-f', examples, '--sort-by', '.nope'],
    /^error: --sort-by \.nope: couldn't find any field with path "\.nope" in the list of objects; /m,
  ),
  usage('-L with --sweep', sim('-L', 'team', '--sweep', 'load-scale=1:2:1'), /^error: -L: only for a single instant/m),
  usage('-o with no value', ['get', '-o'], /^error: --output: needs a value; /m),
  usage('-o with a semicolon keeps the line form', ['get', '-o', 'json;rm -rf'], /^error: -o "json\\u003brm -rf": /m),
  usage(
    '-o with an ANSI erase-line is escaped',
    ['get', '-o', 'x\u001b[2Kx'],
    /^(?![\s\S]*\u001b)error: -o "x\\u001b\[2Kx": /m,
  ),
  usage('-o with --verbose', ['get', '-o', 'xml', '--verbose'], /^error: -o xml: unknown output format/m),
  // unknown flags, commands and arguments
  usage(
    'an unknown flag',
    ['get', '--foo'],
    /^error: --foo: unknown flag for "get"; run 'kubectl va get --help' for its flags$/m,
  ),
  usage('a misspelt flag', ['get', '--namepsace', 'llm'], /^error: --namepsace: unknown flag/m),
  usage('an unknown flag on version', ['version', '--bogus'], /^See 'kubectl va version --help' for usage\.$/m),
  usage('an unknown command', ['nope'], /^error: nope: unknown command for "kubectl va"; /m),
  usage('completion without a shell', ['completion'], /^error: SHELL: missing argument of "completion"; /m),
  usage(
    'completion with an unknown shell',
    ['completion', 'tcsh'],
    /^error: tcsh: unknown shell; use one of bash, zsh, fish/m,
  ),
  usage('completion with an extra argument', ['completion', 'zsh', 'extra'], /^error: extra: unexpected argument/m),
  usage(
    'completion --dir without install-kubectl-shim',
    ['completion', 'bash', '--dir', '/tmp'],
    /^error: --dir: only applies/m,
  ),
  // what-if numbers
  usage(
    '--arrival-rate -5',
    sim('--arrival-rate', '-5'),
    /^error: --arrival-rate -5: must be zero or more; pass 0 or more$/m,
  ),
  usage('--arrival-rate abc', sim('--arrival-rate', 'abc'), /^error: --arrival-rate abc: must be a number; /m),
  usage('--arrival-rate empty', sim('--arrival-rate='), /^error: --arrival-rate "": must be a number; /m),
  usage(
    '--arrival-rate Infinity',
    sim('--arrival-rate', 'Infinity'),
    /^error: --arrival-rate Infinity: must be a number/m,
  ),
  usage('--input-tokens NaN', sim('--input-tokens', 'NaN'), /^error: --input-tokens NaN: must be a number/m),
  usage('--max-batch 1.5', sim('--max-batch', '1.5'), /^error: --max-batch 1\.5: must be a whole number/m),
  usage('--max-batch 0', sim('--max-batch', '0'), /^error: --max-batch 0: must be at least 1; pass 1 or more$/m),
  usage('--load-scale -1', sim('--load-scale', '-1'), /^error: --load-scale -1: must be zero or more/m),
  usage('--slo-ttft abc', sim('--slo-ttft', 'abc'), /^error: --slo-ttft abc: must be a number/m),
  usage('--replicas -1', sim('--replicas', '-1'), /^error: --replicas -1: must be zero or more/m),
  usage(
    '--kv-threshold 1.5',
    sim('--kv-threshold', '1.5'),
    /^error: --kv-threshold 1\.5: must be a fraction between 0 and 1; /m,
  ),
  usage(
    '--scale-up-threshold 0',
    sim('--scale-up-threshold', '0'),
    /^error: --scale-up-threshold 0: must be above 0 and at most 1; /m,
  ),
  usage(
    '--scale-down-boundary 1.2',
    sim('--scale-down-boundary', '1.2'),
    /^error: --scale-down-boundary 1\.2: must be a fraction between 0 and 1; /m,
  ),
  usage('--retention 0s', sim('--retention', '0s'), /^error: --retention 0s: not a positive duration; /m),
  usage(
    '--engine foo',
    sim('--engine', 'foo'),
    /^error: --engine foo: unknown engine; use one of queueing-model, capacity, saturation$/m,
  ),
  // Prometheus flags: fail as usage, never reach Prometheus
  usage('--prom-timeout 0s', ['get', '--prom-timeout', '0s'], /^error: --prom-timeout 0s: must be at least 1ms; /m),
  usage('--prom-timeout 0', ['get', '--prom-timeout', '0'], /^error: --prom-timeout 0: not a duration; /m),
  usage('--prom-timeout -1s', ['get', '--prom-timeout=-1s'], /^error: --prom-timeout -1s: not a duration/m),
  usage('--prom-timeout 48h', ['get', '--prom-timeout', '48h'], /^error: --prom-timeout 48h: must be at most 24h/m),
  usage(
    '--prom-max-points 1',
    ['get', '--prom-max-points', '1'],
    /^error: --prom-max-points 1: must be between 2 and/m,
  ),
  usage(
    '--prom-max-points 1e4',
    ['get', '--prom-max-points', '1e4'],
    /^error: --prom-max-points 1e4: not a whole number; /m,
  ),
  usage('--prom-retries 11', ['get', '--prom-retries', '11'], /^error: --prom-retries 11: must be between 0 and 10; /m),
  usage('--prom-retries -1', ['get', '--prom-retries=-1'], /^error: --prom-retries -1: not a whole number; /m),
  usage(
    '--prom-timeout abc on describe',
    ['describe', '--prom-timeout', 'abc'],
    /^error: --prom-timeout abc: not a duration/m,
  ),
  usage(
    '--window 0m',
    ['get', '--window', '0m'],
    /^error: --window 0m: must be more than zero; use e\.g\. --window 1m or 5m$/m,
  ),
  usage(
    '--window with units out of order',
    ['get', '--window', '1m1h'],
    /^error: --window 1m1h: not a Prometheus duration/m,
  ),
  usage('--window without a unit', ['snapshot', '--window', '5'], /^error: --window 5: not a Prometheus duration/m),
  usage(
    '--prom-header with a CRLF',
    ['get', '--prom-header', 'X-A: b\r\nEvil: 1'],
    /^error: --prom-header X-A: the value holds a line break/m,
  ),
  usage(
    '--prom-header with a LF',
    ['describe', '--prom-header', 'X-A: b\nX-B: c'],
    /^error: --prom-header X-A: the value holds a line break/m,
  ),
  usage(
    '--prom-header without a colon',
    ['get', '--prom-header', 'NoColon'],
    /^error: --prom-header value: not a header; /m,
  ),
  usage(
    '--prom-header with a space in the name',
    ['get', '--prom-header', 'Bad Name: v'],
    /^error: --prom-header "Bad Name": not a header/m,
  ),
  usage(
    '--prom-header with an empty value',
    ['get', '--prom-header', 'X-Empty:   '],
    /^error: --prom-header X-Empty: not a header/m,
  ),
  usage(
    '--prom-header holding a token and a CRLF',
    ['get', '--prom-header', `Authorization: Bearer ${secret}\r\nX: y`],
    /line break/,
    {secrets: [secret]},
  ),
  usage(
    '--prom-header holding a token, --verbose',
    ['get', '--verbose', '--prom-header', `Authorization: Bearer ${secret}\n`],
    /line break/,
    {secrets: [secret]},
  ),
  usage(
    '--prom-url that is not a URL',
    ['get', '--prom-url', 'not a url'],
    /^error: --prom-url "not a url": not an http or https URL; /m,
  ),
  usage(
    '--prom-url ftp://',
    ['get', '--prom-url', 'ftp://prom.example.com'],
    /^error: --prom-url ftp:\/\/prom\.example\.com: not an http/m,
  ),
  usage(
    '--prom-url with a password and no host',
    ['get', '--prom-url', `http://admin:${secret}@`],
    /^error: --prom-url http:\/\/: /m,
    {secrets: [secret, 'admin']},
  ),
  // kube flags
  usage(
    '--request-timeout forever',
    ['get', '--request-timeout', 'forever'],
    /^error: --request-timeout forever: not a duration; /m,
  ),
  usage('--request-timeout -1', ['get', '--request-timeout=-1'], /^error: --request-timeout -1: not a duration/m),
  usage(
    '-n with an invalid name',
    ['get', '-n', 'Not_Valid'],
    /^error: -{1,2}n(amespace)? Not_Valid: not a valid namespace name; /m,
  ),
  usage(
    '--controller-namespace upper case',
    ['get', '--controller-namespace', 'WVA'],
    /^error: --controller-namespace WVA: not a valid/m,
  ),
  usage('an invalid VA name', ['describe', 'Bad_Name'], /^error: Bad_Name: not a valid VariantAutoscaling name; /m),
  usage(
    'a VA name with a selector',
    ['get', 'a', '-l', 'x=y'],
    /^error: NAME: name cannot be provided when a selector is specified; /m,
  ),
  usage('--context with an empty value', ['get', '--context='], /^error: --context: needs a value; /m),
  usage('--kubeconfig with an empty value', ['snapshot', '--kubeconfig='], /^error: --kubeconfig: needs a value; /m),
  // replay and sweep flags
  usage(
    '--since with --from',
    ['simulate', '--since', '1d', '--from', '-2d'],
    /^error: --since and --from: cannot be used together; /m,
  ),
  usage('--to without --from', ['simulate', '--to', '-1h'], /^error: --to: needs --from; /m),
  usage('--step without a replay', ['simulate', '--step', '5m'], /^error: --step: needs --since or --from; /m),
  usage(
    '--since yesterday',
    ['simulate', '--since', 'yesterday'],
    /^error: --since yesterday: not a Prometheus duration; /m,
  ),
  usage('--since 0s', ['simulate', '--since', '0s'], /^error: --since 0s: must be more than zero; /m),
  usage(
    '--step 1500ms',
    ['simulate', '--since', '1d', '--step', '1500ms'],
    /^error: --step 1500ms: must be whole seconds; /m,
  ),
  usage('--step 0s', ['simulate', '--since', '1d', '--step', '0s'], /^error: --step 0s: must be more than zero; /m),
  usage('--from that is not a time', ['simulate', '--from', 'x'], /^error: --from x: not a time; /m),
  usage('--from after --to', ['simulate', '--from', '-1h', '--to', '-2h'], /must be after --from/),
  usage(
    '--since longer than the step limit',
    ['simulate', '--since', '60d'],
    /^error: simulate: .*the limit is 50000; /m,
  ),
  usage('--sweep that is not a spec', sim('--sweep', 'x'), /^error: --sweep x: expected PARAM=FROM:TO:STEP/m),
  usage(
    '--sweep with --since',
    sim('--sweep', 'arrival-rate=1:2:1', '--since', '1d'),
    /^error: --sweep: cannot be combined with --since; /m,
  ),
  usage(
    '--sweep and the same what-if',
    sim('--sweep', 'arrival-rate=1:2:1', '--arrival-rate', '5'),
    /^error: simulate: --sweep arrival-rate/m,
  ),
  usage('-f with --context', sim('--context', 'x'), /^error: --context: cannot be combined with -f/m),
  usage('-f with --since', sim('--since', '1d'), /^error: --since\/--from: replay history from Prometheus/m),
]

corpusSuite('bad flags and arguments', () => cases)
