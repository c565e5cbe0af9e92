import {execFileSync} from 'node:child_process'
import {chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {type CorpusCase, corpusSuite} from '../../support/corpus.js'
import {repoRoot} from '../../support/paths.js'
import {joinRegExp} from '../../support/regexp.js'

/**
 * Bad manifests, flags and files, judged by the shared corpus harness (test/support/corpus.ts): crashes, hangs,
 * wrong readings and unclear messages of issue 10, one class per group. Most cases break one object of the
 * quickstart and expect that object reported on one line, the others still printed (exit 6).
 */
const quickstart = readFileSync(join(repoRoot, 'examples', 'quickstart.yaml'), 'utf8')

/** The quickstart with one exact piece of text replaced (the first occurrence); fails loudly when absent. */
function edit(from: string, to: string, text = quickstart): string {
  if (!text.includes(from)) throw new Error(`corpus: "${from}" is not in the quickstart`)
  return text.replace(from, to)
}

const llamaMeta = 'name: llama-8b-h100\n  namespace: llm\n  labels'
const graniteMeta = 'name: granite-13b-l40s\n  namespace: llm\n  labels'
const llamaBatch = 'maxBatchSize: 512'
const deploymentReplicas = 'replicas: 2'
/** No raw ESC, BEL, CR or C1 control anywhere in the text. */
// eslint-disable-next-line no-control-regex
const noControls = /^(?![\s\S]*[\u0007\u0008\u000d\u001b\u009b])/

/** A YAML document whose aliases expand to 9^8 nodes ("billion laughs"). */
function aliasBomb(): string {
  const names = 'abcdefghi'
  let text = `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n`
  for (let i = 1; i < names.length; i++) {
    const previous = `*${names[i - 1]}`
    text += `${names[i]}: &${names[i]} [${Array(9).fill(previous).join(',')}]\n`
  }
  return text
}

corpusSuite('corpus: bad manifests and engine inputs', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kva-corpus-manifests-'))
  t.after(() => rmSync(dir, {recursive: true, force: true}))
  const file = (name: string, text: string): string => {
    const path = join(dir, name)
    mkdirSync(join(path, '..'), {recursive: true})
    writeFileSync(path, text)
    return path
  }
  const cases: CorpusCase[] = []
  const simulate = (name: string, text: string, expect: Omit<CorpusCase, 'name' | 'args'>, extra: string[] = []) =>
    cases.push({name, args: ['simulate', '-f', file(`${cases.length}.yaml`, text), ...extra], ...expect})
  const get = (name: string, text: string, expect: Omit<CorpusCase, 'name' | 'args'>, extra: string[] = []) =>
    cases.push({name, args: ['get', '-f', file(`${cases.length}.yaml`, text), ...extra], ...expect})
  const keptGranite = {code: 6, stdout: /^granite-13b-l40s\s/m}
  const keptLlama = {code: 6, stdout: /^llama-8b-h100\s/m}

  // --- Crashes: metadata of the wrong type (each object on its own, the good ones kept).
  simulate('manifest: metadata.name is a number', edit(llamaMeta, 'name: 12345\n  namespace: llm\n  labels'), {
    ...keptGranite,
    stderr: /^error: \S+:4 \(VariantAutoscaling\): metadata\.name must be a string, got number 12345; quote it$/m,
  })
  simulate('manifest: metadata.name is a map', edit(llamaMeta, 'name: {a: 1}\n  namespace: llm\n  labels'), {
    ...keptGranite,
    stderr: /metadata\.name must be a string, got object/,
  })
  simulate('manifest: metadata.name is a list', edit(llamaMeta, 'name: [a, b]\n  namespace: llm\n  labels'), {
    ...keptGranite,
    stderr: /metadata\.name must be a string, got array/,
  })
  simulate('manifest: metadata.name is a boolean', edit(llamaMeta, 'name: true\n  namespace: llm\n  labels'), {
    ...keptGranite,
    stderr: /metadata\.name must be a string, got boolean/,
  })
  simulate(
    'manifest: metadata.namespace is a number',
    edit(graniteMeta, 'name: granite-13b-l40s\n  namespace: 42\n  labels'),
    {
      ...keptLlama,
      stderr: /\(VariantAutoscaling granite-13b-l40s\): metadata\.namespace must be a string, got number 42/,
    },
  )
  simulate(
    'manifest: metadata.namespace is a map',
    edit(graniteMeta, 'name: granite-13b-l40s\n  namespace: {x: y}\n  labels'),
    {...keptLlama, stderr: /metadata\.namespace must be a string, got object/},
  )
  simulate(
    'manifest: metadata is a string',
    edit(
      'metadata:\n  name: llama-8b-h100\n  namespace: llm\n' +
        '  labels:\n    inference.optimization/acceleratorName: H100\n    team: inference\n',
      'metadata: llama\n',
    ),
    {...keptGranite, stderr: /metadata must be a map, got string/},
  )
  simulate(
    'manifest: metadata is a list',
    edit(
      'metadata:\n  name: llama-8b-h100\n  namespace: llm\n' +
        '  labels:\n    inference.optimization/acceleratorName: H100\n    team: inference\n',
      'metadata: [1, 2]\n',
    ),
    {...keptGranite, stderr: /metadata must be a map, got array/},
  )
  simulate(
    'manifest: labels is a list',
    edit('labels:\n    inference.optimization/acceleratorName: H100\n    team: inference', 'labels: [H100]'),
    {...keptGranite, stderr: /metadata\.labels must be a map of strings, got array/},
  )
  simulate(
    'manifest: a label value is a number',
    edit('inference.optimization/acceleratorName: H100', 'inference.optimization/acceleratorName: 100'),
    {
      ...keptGranite,
      stderr: /metadata\.labels\.inference\.optimization\/acceleratorName must be a string, got number 100; quote it/,
    },
  )
  simulate(
    'manifest: an annotation value is a map',
    edit(llamaMeta, `${llamaMeta.replace('\n  labels', '')}\n  annotations: {note: {a: 1}}\n  labels`),
    {...keptGranite, stderr: /metadata\.annotations\.note must be a string/},
  )
  simulate(
    'manifest: a Deployment name is a number',
    edit('name: llama-8b-h100\n  namespace: llm\nspec:\n  replicas', 'name: 7\n  namespace: llm\nspec:\n  replicas'),
    {code: 6, stdout: /^llama-8b-h100\s/m, stderr: /\(Deployment\): metadata\.name must be a string, got number 7/},
  )
  simulate(
    'manifest: a ConfigMap namespace is a list',
    `${quickstart}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n  namespace: [a]\ndata: {}\n`,
    {...keptLlama, stderr: /\(ConfigMap extra\): metadata\.namespace must be a string, got array/},
  )
  simulate(
    'manifest: the only VA has a numeric name',
    'apiVersion: llmd.ai/v1alpha1\nkind: VariantAutoscaling\nmetadata:\n  name: 5\n',
    {code: 3, stderr: /metadata\.name must be a string/},
  )
  simulate('manifest: a document is a plain string', `${quickstart}---\njust a string\n`, {
    ...keptLlama,
    stderr: /a manifest document must be a map with apiVersion and kind, got string; /,
  })
  simulate('manifest: a document is a list', `${quickstart}---\n- a\n- b\n`, {...keptLlama, stderr: /got array; /})
  simulate('manifest: kind is a number', `${quickstart}---\napiVersion: v1\nkind: 5\nmetadata: {name: x}\n`, {
    ...keptLlama,
    stderr: /kind must be a string, got number; /,
  })
  simulate(
    'manifest: apiVersion is a map',
    `${quickstart}---\napiVersion: {group: apps}\nkind: Deployment\nmetadata: {name: x}\n`,
    {...keptLlama, stderr: /apiVersion must be a string, got object; /},
  )
  simulate(
    'manifest: a List holding null and a string',
    `apiVersion: v1\nkind: List\nitems:\n- null\n- just text\n---\n${quickstart}`,
    {
      ...keptLlama,
      stderr:
        /items\[0\]: a list item must be a map, got null; [\s\S]*items\[1\]: a list item must be a map, got string/,
    },
  )
  cases.push({
    name: 'manifest: JSON with a numeric name beside a good VA',
    args: [
      'simulate',
      '-f',
      file(
        'numeric.json',
        `${JSON.stringify({
          apiVersion: 'v1',
          kind: 'List',
          items: [{apiVersion: 'llmd.ai/v1alpha1', kind: 'VariantAutoscaling', metadata: {name: 1e3}}],
        })}\n`,
      ),
      '-f',
      file('good.yaml', quickstart),
    ],
    code: 6,
    stdout: /^llama-8b-h100\s/m,
    stderr: /numeric\.json:1 items\[0\] \(VariantAutoscaling\): metadata\.name must be a string, got number 1000/,
  })

  // --- Crashes and hangs: YAML alias bombs, alone, beside good files and beside good documents.
  simulate('yaml: an alias bomb alone', aliasBomb(), {
    code: 3,
    stderr: /^error: \S+:1: YAML aliases expand beyond the limit of 1000 \(an alias bomb\?\); /m,
  })
  file('bomb-dir/a-good.yaml', quickstart)
  file('bomb-dir/b-bomb.yaml', aliasBomb())
  cases.push({
    name: 'yaml: an alias bomb beside a good file, in a sweep',
    args: ['simulate', 'llama-8b-h100', '-f', join(dir, 'bomb-dir'), '--sweep', 'arrival-rate=100:300:100'],
    code: 6,
    stdout: /^\s+300\s/m,
    stderr: /b-bomb\.yaml:1: YAML aliases expand/,
  })
  cases.push({
    name: 'yaml: an alias bomb in a directory beside a good file',
    args: ['simulate', '-f', join(dir, 'bomb-dir')],
    code: 6,
    stdout: /^llama-8b-h100\s/m,
    stderr: /b-bomb\.yaml:1: YAML aliases expand/,
  })
  simulate('yaml: an alias bomb as a second document', `${quickstart}---\n${aliasBomb()}`, {
    ...keptLlama,
    stderr: /YAML aliases expand beyond the limit of 1000/,
  })
  simulate(
    'yaml: a few anchors and aliases are fine',
    edit(
      '    - acc: H100\n      accCount: 1\n      maxBatchSize: 512\n      perfParms:\n' +
        '        decodeParms:\n          alpha: "7.470"\n          beta: "0.044"\n',
      '    - &h100 {acc: H100, accCount: 1, maxBatchSize: 512, perfParms: {decodeParms: {alpha: "7.470", ' +
        'beta: "0.044"}, prefillParms: {gamma: "15.415", delta: "0.000337"}}}\n    - *h100\n',
    ).replace('        prefillParms:\n          gamma: "15.415"\n          delta: "0.000337"\n', ''),
    {code: 0, stdout: /^llama-8b-h100\s.*\s3\s/m},
  )

  // --- Unclear: duplicate keys, and other invalid YAML, for that document alone.
  simulate(
    'yaml: a duplicate metadata.name',
    edit(llamaMeta, `${llamaMeta.replace('\n  labels', '')}\n  name: other\n  labels`),
    {...keptGranite, stderr: /:9: invalid YAML: a map key is written twice; keep one of the two/},
  )
  simulate(
    'yaml: a duplicate spec.replicas in a Deployment',
    edit(deploymentReplicas, `${deploymentReplicas}\n  replicas: 5`),
    {...keptGranite, stderr: /invalid YAML: a map key is written twice/},
  )
  simulate('yaml: a duplicate key in the only document', 'apiVersion: v1\nkind: ConfigMap\nkind: ConfigMap\n', {
    code: 3,
    stderr: /:3: invalid YAML: a map key is written twice/,
  })
  simulate('yaml: bad indentation in one document', `${quickstart}---\napiVersion: v1\n kind: ConfigMap\n`, {
    ...keptLlama,
    stderr: /invalid YAML: .*; fix the YAML syntax/,
  })
  simulate('yaml: an unterminated quote', `${quickstart}---\napiVersion: "v1\n`, {
    ...keptLlama,
    stderr: /invalid YAML: /,
  })
  simulate('yaml: a tab for indentation', `${quickstart}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: x\n`, {
    ...keptLlama,
    stderr: /invalid YAML: /,
  })
  simulate('yaml: a byte order mark is fine', `\uFEFF${quickstart}`, {code: 0, stdout: /^llama-8b-h100\s/m})
  simulate('yaml: an empty file', '', {code: 0, stderr: /^No VariantAutoscalings found in the manifests\.$/m})
  file('garbage/a.yaml', quickstart)
  writeFileSync(join(dir, 'garbage', 'b.yaml'), Buffer.from([0, 1, 2, 0xff, 0x7b, 0x5b]))
  cases.push({
    name: 'yaml: binary garbage beside a good file',
    args: ['simulate', '-f', join(dir, 'garbage')],
    code: 6,
    stdout: /^llama-8b-h100\s/m,
    stderr: /b\.yaml:1: /,
  })

  // --- Crashes: unreadable entries under -R -f dir (each reported, the rest read).
  file('tree/a.yaml', quickstart)
  file('tree/sub/deep/also-good.yaml', quickstart.replaceAll('namespace: llm', 'namespace: deep'))
  symlinkSync(join(dir, 'nowhere.yaml'), join(dir, 'tree', 'sub', 'dangling.yaml'))
  cases.push({
    name: 'files: a dangling symbolic link under -R',
    args: ['simulate', '-R', '-f', join(dir, 'tree')],
    code: 6,
    stdout: /^deep\s+llama-8b-h100\s/m,
    stderr: joinRegExp(
      [
        /^error: \S+dangling\.yaml: cannot read: no such file /,
        /\(a dangling symbolic link\?\); remove the link or restore/,
      ],
      'm',
    ),
  })
  file('loop/a.yaml', quickstart)
  symlinkSync('b.yaml', join(dir, 'loop', 'b.yaml'))
  cases.push({
    name: 'files: a symbolic link to itself',
    args: ['simulate', '-f', join(dir, 'loop')],
    code: 6,
    stdout: /^llama-8b-h100\s/m,
    stderr: /b\.yaml: cannot read: too many levels of symbolic links; /,
  })
  file('fifo/a.yaml', quickstart)
  execFileSync('mkfifo', [join(dir, 'fifo', 'pipe.yaml')])
  cases.push({
    name: 'files: a FIFO named .yaml does not block',
    args: ['simulate', '-f', join(dir, 'fifo')],
    code: 6,
    stdout: /^llama-8b-h100\s/m,
    stderr: /pipe\.yaml: is not a regular file/,
  })
  file('dirlink/a.yaml', quickstart)
  symlinkSync(join(dir, 'tree'), join(dir, 'dirlink', 'linked-dir.yaml'))
  cases.push({
    name: 'files: a symbolic link to a directory is skipped',
    args: ['simulate', '-R', '-f', join(dir, 'dirlink')],
    code: 0,
    stdout: /^llama-8b-h100\s/m,
  })
  file('filelink/target.txt', quickstart)
  symlinkSync(join(dir, 'filelink', 'target.txt'), join(dir, 'filelink', 'link.yaml'))
  cases.push({
    name: 'files: a symbolic link to a file is read',
    args: ['simulate', '-f', join(dir, 'filelink')],
    code: 0,
    stdout: /^llama-8b-h100\s/m,
  })
  mkdirSync(join(dir, 'only-dangling'))
  symlinkSync(join(dir, 'gone.yaml'), join(dir, 'only-dangling', 'x.yaml'))
  cases.push({
    name: 'files: a directory holding only a dangling link',
    args: ['simulate', '-f', join(dir, 'only-dangling')],
    code: 3,
    stderr: /x\.yaml: cannot read: no such file/,
  })
  cases.push({
    name: 'files: a path that does not exist',
    args: ['simulate', '-f', join(dir, 'missing.yaml')],
    code: 3,
    stderr: /^error: the path "\S+missing\.yaml": does not exist; check the -f argument$/m,
  })
  mkdirSync(join(dir, 'empty-dir'))
  cases.push({
    name: 'files: an empty directory',
    args: ['simulate', '-f', join(dir, 'empty-dir')],
    code: 3,
    stderr: /empty-dir: no manifest files \(\.yaml, \.yml, \.json\) found; /,
  })
  // eslint-disable-next-line no-control-regex
  const hostilePath = join(dir, 'hostile', '\u001b[1A\u001b[2Kowned\u0007.yaml')
  mkdirSync(join(dir, 'hostile'))
  file('hostile/good.yaml', quickstart)
  symlinkSync(join(dir, 'gone.yaml'), hostilePath)
  cases.push({
    name: 'files: a file name with terminal escapes is escaped on stderr',
    args: ['simulate', '-f', join(dir, 'hostile')],
    code: 6,
    stdout: /^llama-8b-h100\s/m,
    stderr: /\^\[\[1A\^\[\[2Kowned\^G\.yaml: cannot read/,
  })
  cases.push({
    name: 'files: no raw escape reaches stderr',
    args: ['simulate', '-f', join(dir, 'hostile')],
    code: 6,
    stderr: noControls,
  })
  mkdirSync(join(dir, 'newline'))
  file('newline/good.yaml', quickstart)
  symlinkSync(join(dir, 'gone.yaml'), join(dir, 'newline', 'bad\nname.yaml'))
  cases.push({
    name: 'files: a file name holding a newline stays on one line',
    args: ['simulate', '-f', join(dir, 'newline')],
    code: 6,
    stdout: /^llama-8b-h100\s/m,
    stderr: /^error: \S+bad\\nname\.yaml: cannot read: /m,
  })
  cases.push({
    name: 'names: a VA that is not in the manifests',
    args: ['simulate', 'nope', '-f', file('names.yaml', quickstart)],
    code: 3,
    stderr: /^error: variantautoscaling "nope": not found in the manifests; /m,
  })
  {
    // Root reads anything: these run unprivileged (as nobody under root), in a directory nobody may enter.
    chmodSync(dir, 0o755)
    const locked = file('locked/secret.yaml', quickstart)
    file('locked/good.yaml', quickstart.replaceAll('namespace: llm', 'namespace: other'))
    chmodSync(join(dir, 'locked'), 0o755)
    chmodSync(join(dir, 'locked', 'good.yaml'), 0o644)
    chmodSync(locked, 0)
    cases.push({
      name: 'files: an unreadable file',
      args: ['simulate', '-f', join(dir, 'locked')],
      code: 6,
      stdout: /llama-8b-h100/,
      stderr: /secret\.yaml: cannot read: permission denied; /,
      unprivileged: true,
    })
    const closed = file('closed/quickstart.yaml', quickstart)
    chmodSync(join(dir, 'closed'), 0o700)
    cases.push({
      name: 'files: a path behind a directory without permission is not "does not exist"',
      args: ['simulate', '-f', closed],
      code: 3,
      stderr: new RegExp(
        '^error: the path "\\S+closed/quickstart\\.yaml": cannot read: permission denied; ' +
          'make it and its directories readable \\(chmod\\)$',
        'm',
      ),
      unprivileged: true,
    })
  }

  // --- Wrong: Deployment spec.replicas is read as the API server reads it, or refused for that Deployment.
  simulate('deployment: replicas is a string', edit(deploymentReplicas, 'replicas: "2"'), {
    ...keptGranite,
    stderr: /\(Deployment llama-8b-h100\): spec\.replicas must be an integer, got string "2"; write it without quotes/,
  })
  simulate('deployment: replicas is negative', edit(deploymentReplicas, 'replicas: -2'), {
    ...keptGranite,
    stderr: /spec\.replicas must be between 0 and 2147483647, got -2; /,
  })
  simulate('deployment: replicas is a fraction', edit(deploymentReplicas, 'replicas: 2.5'), {
    ...keptGranite,
    stderr: /spec\.replicas must be an integer, got number 2\.5/,
  })
  simulate('deployment: replicas beyond int32', edit(deploymentReplicas, 'replicas: 1e10'), {
    ...keptGranite,
    stderr: /spec\.replicas must be between 0 and 2147483647/,
  })
  simulate('deployment: replicas is a boolean', edit(deploymentReplicas, 'replicas: true'), {
    ...keptGranite,
    stderr: /spec\.replicas must be an integer, got boolean/,
  })
  simulate(
    'deployment: spec is a string',
    edit(
      'spec:\n  replicas: 2\n  selector:\n    matchLabels: {app: llama-8b-h100}\n  template:\n' +
        '    metadata:\n      labels: {app: llama-8b-h100}\n    spec:\n      containers:\n' +
        '      - name: vllm\n        image: vllm/vllm-openai:v0.10.2\n',
      'spec: two\n',
    ),
    {...keptGranite, stderr: /\(Deployment llama-8b-h100\): spec must be a map, got string/},
  )
  simulate('deployment: replicas null defaults to 1', edit(deploymentReplicas, 'replicas: null'), {
    code: 0,
    stdout: /^llama-8b-h100\s.*\s1\s+3\s/m,
  })
  simulate('deployment: replicas 0 is valid', edit(deploymentReplicas, 'replicas: 0'), {
    code: 0,
    stdout: /^llama-8b-h100\s.*\s0\s+3\s/m,
  })

  // --- Hangs: every input the queueing model sizes by is bounded at parse time (docs/limits.md).
  get('bounds: maxBatchSize 1e8', edit(llamaBatch, 'maxBatchSize: 100000000'), {
    ...keptGranite,
    stderr:
      /maxBatchSize: must be at most 8192, got 100000000; set maxBatchSize to the server's max_num_seqs \(1 to 8192/m,
  })
  get('bounds: maxBatchSize 1e308', edit(llamaBatch, 'maxBatchSize: 1e308'), {
    ...keptGranite,
    stderr: /maxBatchSize: must be at most 8192/,
  })
  get('bounds: maxBatchSize 8193', edit(llamaBatch, 'maxBatchSize: 8193'), {
    ...keptGranite,
    stderr: /must be at most 8192, got 8193/,
  })
  get('bounds: maxBatchSize negative', edit(llamaBatch, 'maxBatchSize: -5'), {
    ...keptGranite,
    stderr: /maxBatchSize: must be at least 1, got -5; /,
  })
  get('bounds: maxBatchSize 0', edit(llamaBatch, 'maxBatchSize: 0'), {
    ...keptGranite,
    stderr: /maxBatchSize: must be at least 1, got 0/,
  })
  get('bounds: maxBatchSize a quoted number', edit(llamaBatch, 'maxBatchSize: "512"'), {
    ...keptGranite,
    stderr: /maxBatchSize: must be an integer, got string/,
  })
  get('bounds: maxBatchSize a fraction', edit(llamaBatch, 'maxBatchSize: 12.5'), {
    ...keptGranite,
    stderr: /maxBatchSize: must be an integer, got number 12\.5/,
  })
  simulate('bounds: maxBatchSize 8192 is accepted', edit(llamaBatch, 'maxBatchSize: 8192'), {
    code: 0,
    stdout: /^llama-8b-h100\s/m,
  })
  get('bounds: accCount 0', edit('accCount: 1', 'accCount: 0'), {
    ...keptGranite,
    stderr: /accCount: must be at least 1, got 0/,
  })
  get('bounds: alpha negative', edit('alpha: "7.470"', 'alpha: "-7.470"'), {
    ...keptGranite,
    stderr: /decodeParms\.alpha: must not be negative, got "-7\.470"; use the fitted profile values/,
  })
  get('bounds: delta beyond float32', edit('delta: "0.000337"', 'delta: "1e39"'), {
    ...keptGranite,
    stderr: /prefillParms\.delta: is beyond float32's range, got "1e39"/,
  })
  get('bounds: gamma not a number', edit('gamma: "15.415"', 'gamma: "fast"'), {
    ...keptGranite,
    stderr: /prefillParms\.gamma: must be a decimal number in quotes/,
  })
  get('bounds: beta missing', edit('          beta: "0.044"\n', ''), {
    ...keptGranite,
    stderr: /decodeParms\.beta: required; fix the field in the VariantAutoscaling/,
  })
  get('bounds: two bad fields in one VA', edit('alpha: "7.470"', 'alpha: "-1"', edit(llamaBatch, 'maxBatchSize: 0')), {
    ...keptGranite,
    stderr: /maxBatchSize: must be at least 1, got 0; .*alpha: must not be negative/,
  })
  const sweep = (name: string, spec: string, expect: Omit<CorpusCase, 'name' | 'args'>) =>
    cases.push({
      name,
      args: ['simulate', 'llama-8b-h100', '-f', file('sweep.yaml', quickstart), '--sweep', spec],
      hangAfterMs: 15_000,
      ...expect,
    })
  sweep('bounds: --sweep max-batch=1:1000000:1000', 'max-batch=1:1000000:1000', {
    code: 2,
    stderr: /^error: --sweep max-batch=1:1000000:1000: max-batch must be at most 8192; see docs\/limits\.md$/m,
  })
  sweep('bounds: --sweep max-batch with too many batch slots', 'max-batch=8:4096:8', {
    code: 2,
    stderr: /add up to 1050624, the limit is 524288 .*; use a larger STEP, e\.g\. \d+/,
  })
  sweep('bounds: --sweep max-batch from 0', 'max-batch=0:10:1', {code: 2, stderr: /max-batch must be at least 1/})
  sweep('bounds: --sweep with too many points', 'arrival-rate=0:1e9:1', {
    code: 2,
    stderr: /points, the limit is 1000; use a larger STEP/,
  })
  sweep('bounds: --sweep max-batch within the budget', 'max-batch=16:256:16', {code: 0, stdout: /^\s+256\s/m})
  const flag = (name: string, args: string[], expect: Omit<CorpusCase, 'name' | 'args'>) =>
    cases.push({name, args: ['simulate', '-f', file('flags.yaml', quickstart), ...args], ...expect})
  flag('bounds: --max-batch 1e8', ['--max-batch', '1e8'], {
    code: 2,
    stderr: /^error: --max-batch 1e8: must be at most 8192; pass a whole number from 1 to 8192/m,
  })
  flag('bounds: --max-batch 1e308', ['--max-batch', '1e308'], {
    code: 2,
    stderr: /--max-batch 1e308: must be at most 8192/,
  })
  flag('bounds: --max-batch 0', ['--max-batch', '0'], {code: 2, stderr: /--max-batch 0: must be at least 1/})

  // --- Wrong: control characters in names and model IDs are escaped as kubectl does (ESC → ^[, CR → \r).
  // The llama VA, its Deployment, class and metrics all renamed, so that it is still evaluated.
  // (An OSC title sequence holds a ";", which no Kubernetes name can: it goes into the model ID.)
  const hostile = quickstart
    .replaceAll('llama-8b-h100', '"llama\\e[2K\\e[1A\\a"')
    .replaceAll('meta/llama-3.1-8b', '"meta/\\e]0;pwned\\a\\rllama\\x9b"')
  const hostileName = /llama\^\[\[2K\^\[\[1A\^G/
  simulate(
    'escape: erase-line and BEL in a VA name, OSC title, CR and C1 in a model ID',
    hostile,
    {code: 0, stdout: /^llama\^\[\[2K\^\[\[1A\^G\s+meta\/\^\[\]0;pwned\^G\\rllama\\u009b\s.*\s3\s/m},
    ['-o', 'wide'],
  )
  simulate('escape: nothing raw on stdout or stderr (simulate)', hostile, {
    code: 0,
    stdout: noControls,
    stderr: noControls,
  })
  simulate('escape: nothing raw in a sweep table', hostile, {code: 0, stdout: noControls, stderr: noControls}, [
    '--sweep',
    'arrival-rate=100:1000:100',
  ])
  get('escape: nothing raw on stdout or stderr (get)', hostile, {code: 0, stdout: noControls, stderr: noControls})
  get('escape: get names the VA escaped in its error line', edit(llamaBatch, 'maxBatchSize: 0', hostile), {
    code: 6,
    stdout: noControls,
    stderr: new RegExp(`^error: variantautoscaling llm/${hostileName.source}: `, 'm'),
  })
  get(
    'escape: -o name',
    hostile,
    {code: 0, stdout: new RegExp(`^variantautoscaling\\.llmd\\.ai/${hostileName.source}$`, 'm')},
    ['-o', 'name'],
  )
  cases.push({
    name: 'escape: describe',
    args: ['describe', '-f', file('describe.yaml', hostile)],
    code: 0,
    stdout: new RegExp(`^Name:\\s+${hostileName.source}$`, 'm'),
    stderr: noControls,
  })
  cases.push({
    name: 'escape: describe output holds nothing raw',
    args: ['describe', '-f', file('describe.yaml', hostile)],
    code: 0,
    stdout: noControls,
  })
  get(
    'escape: a VA name holding a newline stays on one line',
    edit(llamaBatch, 'maxBatchSize: 0', quickstart.replaceAll('llama-8b-h100', '"llama\\nx"')),
    {
      code: 6,
      stdout: /^llama_x\s/m,
      stderr:
        /^error: variantautoscaling llm\/llama\\nx: spec\.modelProfile\.accelerators\[0\]\.maxBatchSize: must be/m,
    },
  )
  get(
    'escape: backspace and DEL in a model ID',
    edit('modelID: meta/llama-3.1-8b', 'modelID: "meta\\b\\b\\x7fllama"'),
    {code: 0, stdout: /^llama-8b-h100\s+meta\^H\^H\^\?llama\s/m},
    ['-o', 'wide'],
  )
  const json = JSON.stringify({
    apiVersion: 'llmd.ai/v1alpha1',
    kind: 'VariantAutoscaling',
    metadata: {name: 'x\u001b[31mred', namespace: 'llm'},
    spec: {modelID: 'm'},
  })
  cases.push({
    name: 'escape: -o json keeps the exact string, escaped by JSON',
    args: ['get', '-f', file('esc.json', json), '-o', 'json'],
    code: 0,
    stdout: /"name": "x\\u001b\[31mred"/,
  })

  // --- Unclear: --at out of range or in the future is a usage error naming the flag (no cluster needed).
  const at = (name: string, value: string, expect: Omit<CorpusCase, 'name' | 'args'>) =>
    cases.push({name, args: ['get', `--at=${value}`], ...expect})
  at('--at: 1e20 Unix seconds', '100000000000000000000', {
    code: 2,
    stderr: /^error: --at 100000000000000000000: out of range; use RFC 3339/m,
  })
  at('--at: ten years ahead', new Date(Date.now() + 10 * 365 * 86_400_000).toISOString(), {
    code: 2,
    stderr: /is in the future \(now is .*\); Prometheus has no samples there/,
  })
  at('--at: Unix seconds in the far future', '99999999999', {code: 2, stderr: /is in the future/})
  at('--at: a huge relative time', '-100000000y', {code: 2, stderr: /out of range/})
  at('--at: February 30', '2026-02-30T00:00:00Z', {
    code: 2,
    stderr: /^error: --at 2026-02-30T00:00:00Z: not a time; /m,
  })
  at('--at: hour 24', '2026-01-01T24:00:00Z', {code: 2, stderr: /not a time/})
  at('--at: a bad relative unit', '-5x', {code: 2, stderr: /--at -5x: not a time/})
  at('--at: empty', '', {code: 2, stderr: /--at/})

  // --- Crashes: snapshot --output-file is checked before anything is read.
  const snapshot = (name: string, path: string, expect: Omit<CorpusCase, 'name' | 'args'>) =>
    cases.push({name, args: ['snapshot', '--output-file', path], ...expect})
  snapshot('snapshot: --output-file is a directory', dir, {
    code: 2,
    stderr: /^error: --output-file "\S+": is a directory; name a file in it, e\.g\. \S+\/snapshot\.yaml$/m,
  })
  snapshot('snapshot: --output-file in a missing directory', join(dir, 'no', 'such', 'dir', 's.yaml'), {
    code: 2,
    stderr: /the directory "\S+dir" does not exist; create it first \(mkdir -p /,
  })
  snapshot('snapshot: --output-file under a regular file', join(file('plain.txt', 'x'), 's.yaml'), {
    code: 2,
    stderr: /plain\.txt" is not a directory; /,
  })
  snapshot('snapshot: --output-file empty', '', {code: 2, stderr: /--output-file/})
  return cases
})
