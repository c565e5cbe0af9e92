import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {delimiter, dirname, join} from 'node:path'
import {test} from 'node:test'
import {parseAllDocuments} from 'yaml'

import type {KubeObject} from '../../src/core/model/kube-object.js'
import {replayScenarioOpenMetrics} from '../integration/replay/scenario.js'
import {allExamples, commandsOutsideShBlocks, type DocExample, proseCommandsNotTested} from '../support/doc-examples.js'
import {startFakeApiServer} from '../support/fake-api-server.js'
import {clusterFixture} from '../support/kube-fixtures.js'
import {linearCounter, linearHistogram, OpenMetricsBuilder, timesBetween} from '../support/openmetrics.js'
import {binDir, repoRoot} from '../support/paths.js'
import {startPrometheus} from '../support/prometheus.js'
import {cleanEnv, runCommand} from '../support/run-cli.js'
import {profileTrafficOpenMetrics} from '../support/profile-traffic.js'

// Every example of README.md, docs/*.md (```sh blocks) and --help (the manifest's examples) runs here, through bash
// and real kubectl plugin discovery, and must end with exit 0 or the code its comment documents (`# exit N`). When
// the docs show the output (a ```text block right after a one-command ```sh block), stdout must be that output.
// Cluster examples run against the quickstart's objects on a fake API server (namespace llm, the current one) and a
// real Prometheus backfilled with the last day of the quickstart's load and the replay day of
// what-would-wva-have-done.md.

/**
 * Lines that cannot run here, each with the reason, matched without their trailing comment. `block: true` covers
 * the whole ```sh block that the line starts.
 */
const notRunnable: ReadonlyArray<{command: string; reason: string; block?: boolean}> = [
  {command: 'npm ci', reason: 'installs the dependencies: the suite runs in the tree it installed'},
  {command: 'npm test', reason: 'runs this suite, which would run itself'},
  {command: 'kubectl krew install va', reason: 'needs krew and krew-index; install.test.ts installs as krew does'},
  {
    command: 'kubectl krew install --manifest=va.yaml --archive=kubectl-va_0.1.0_linux_amd64.tar.gz',
    reason: 'needs krew; install.test.ts installs the archive as krew does',
  },
  {
    command: 'version=0.1.0 os=linux arch=amd64',
    block: true,
    reason: 'downloads a release from GitHub (install.test.ts builds and installs one)',
  },
  {command: 'npm install -g kubectl-va', reason: 'installs from the npm registry'},
  {command: 'npm run release -- --snapshot', reason: releaseReason()},
  {command: 'npm run release -- --snapshot --targets linux/amd64', reason: releaseReason()},
  // biome-ignore lint/suspicious/noTemplateCurlyInString: ${fpath[1]} is zsh syntax in the README's example
  {command: 'kubectl-va completion zsh > "${fpath[1]}/_kubectl-va"', reason: 'zsh syntax; zsh is not installed here'},
  // biome-ignore lint/suspicious/noTemplateCurlyInString: ${fpath[1]} is zsh syntax in the README's example
  {command: 'kubectl va completion zsh > "${fpath[1]}/_kubectl-va"', reason: 'zsh syntax; zsh is not installed here'},
  {command: 'kubectl-va completion powershell | Out-String | Invoke-Expression', reason: 'PowerShell is not installed'},
]

function releaseReason(): string {
  return 'rebuilds dist/ under the running suite; install.test.ts runs scripts/release.js --snapshot'
}

/** The line without its trailing `# comment`. */
function bare(command: string): string {
  return command.replace(/\s+#.*$/, '')
}

function notRunnableEntry(example: DocExample) {
  return notRunnable.find((entry) => entry.command === bare(entry.block ? example.blockFirstLine : example.command))
}

const nowS = Math.floor(Date.now() / 60_000) * 60

/** The quickstart's load (its MetricsSnapshot) from a day and a quarter ago to 10 minutes ahead, every 30 s. */
function recentLoad(): string {
  const times = timesBetween(nowS - 86_400 - 900, nowS + 600, 30)
  const builder = new OpenMetricsBuilder()
  const llama = {model: 'meta/llama-3.1-8b', rpm: 8200.5 / 2, input: 512.3, output: 250.9, ttftS: 0.2104, itlS: 0.0231}
  const granite = {model: 'ibm/granite-13b', rpm: 300.2, input: 1024, output: 180.4, ttftS: 0.9502, itlS: 0.0617}
  const pods = [
    {pod: 'llama-8b-h100-0', ...llama},
    {pod: 'llama-8b-h100-1', ...llama},
    {pod: 'granite-13b-l40s-0', ...granite},
  ]
  for (const pod of pods) {
    const labels = {model_name: pod.model, namespace: 'llm', pod: pod.pod}
    const requestsPerS = pod.rpm / 60
    builder.counter('vllm:request_success', {...labels, finished_reason: 'stop'}, linearCounter(times, requestsPerS))
    const histogram = (name: string, meanObservation: number, observationsPerRequest = 1) =>
      builder.histogram(name, labels, linearHistogram(times, {requestsPerS, meanObservation, observationsPerRequest}))
    histogram('vllm:request_prompt_tokens', pod.input)
    histogram('vllm:request_generation_tokens', pod.output)
    histogram('vllm:time_to_first_token_seconds', pod.ttftS)
    histogram('vllm:inter_token_latency_seconds', pod.itlS, pod.output - 1)
  }
  return builder.toString()
}

/** docs/fit.md's live example: 6 hours of ibm/granite-8b (no VA, so no other example sees it) from a v0.6 profile. */
function fitTraffic(): string {
  return profileTrafficOpenMetrics({
    profile: {form: 'v0.6', alpha: 6.2, beta: 0.011, gamma: 0.00042},
    namespace: 'llm',
    modelName: 'ibm/granite-8b',
    pods: ['granite-8b-0', 'granite-8b-1'],
    startS: nowS - 6 * 3600 - 900,
    durationS: 6 * 3600 + 1500,
    scrapeS: 30,
    seed: 5,
    batch: [1, 64],
  })
}

/** The quickstart as a cluster: its objects (not its MetricsSnapshot), the CRD, and docs-examples.yaml. */
function clusterObjects(): KubeObject[] {
  const quickstart = parseAllDocuments(readFileSync(join(repoRoot, 'examples', 'quickstart.yaml'), 'utf8'))
    .map((document) => document.toJS() as KubeObject)
    .filter((object) => object.kind !== 'MetricsSnapshot')
  return [...clusterFixture('crd-a-v0.0.4'), ...quickstart, ...clusterFixture('docs-examples')]
}

/**
 * A working directory as a reader of the docs has: the repository's examples/ and bin/, and a home with the
 * directories the docs write into (fish's completions, ~/.local/bin). kubectl-va is found on PATH through a
 * directory of its own, so that install-kubectl-shim writes there and not into the repository.
 */
function sandbox(): {cwd: string; pathDir: string; home: string} {
  const cwd = mkdtempSync(join(tmpdir(), 'kva-examples-'))
  symlinkSync(join(repoRoot, 'examples'), join(cwd, 'examples'))
  symlinkSync(binDir, join(cwd, 'bin'))
  const pathDir = join(cwd, '.path')
  mkdirSync(pathDir)
  symlinkSync(join(binDir, 'kubectl-va'), join(pathDir, 'kubectl-va'))
  const home = join(cwd, '.home')
  for (const dir of ['.config/fish/completions', '.local/bin']) mkdirSync(join(home, dir), {recursive: true})
  return {cwd, pathDir, home}
}

/** Output as the docs show it: trailing blanks of lines and the final newline do not count. */
function shownLines(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .trimEnd()
}

/** Where kubectl, jq and bash are: the reader's PATH, without any kubectl-va of the developer's. */
const systemPath = [...new Set(['kubectl', 'jq', 'bash'].map((tool) => whichDir(tool)))].filter((dir) => dir !== '')

function whichDir(tool: string): string {
  const path = spawnSync('sh', ['-c', `command -v ${tool}`], {encoding: 'utf8'}).stdout.trim()
  return path === '' ? '' : dirname(path)
}

test('every example of README.md, docs/ and --help runs and ends with its documented exit code', async (t) => {
  const examples = allExamples()
  await t.test('examples are extracted, and none hides outside a ```sh block', () => {
    assert.ok(examples.length >= 60, `only ${examples.length} examples found`)
    assert.deepEqual(commandsOutsideShBlocks(), [], 'mark command blocks ```sh (and output blocks ```text)')
    assert.deepEqual(proseCommandsNotTested(examples), [], 'a command quoted in prose must also be in a ```sh block')
  })
  await t.test('every line the test does not run is still in the docs (the list stays honest)', () => {
    for (const entry of notRunnable) {
      const found = examples.some((example) => notRunnableEntry(example) === entry)
      assert.ok(found, `not-runnable entry no longer in the docs: ${entry.command}`)
    }
  })

  const [api, prom] = await Promise.all([
    startFakeApiServer(t, clusterObjects()),
    startPrometheus(t, {openmetrics: [recentLoad(), replayScenarioOpenMetrics(), fitTraffic()]}),
  ])
  const kubeconfig = api.writeKubeconfig({namespace: 'llm', contextName: 'prod'})
  const groups = new Map<string, DocExample[]>()
  for (const example of examples.filter((candidate) => notRunnableEntry(candidate) === undefined)) {
    groups.set(example.group, [...(groups.get(example.group) ?? []), example])
  }

  const runGroup = async (group: string, members: readonly DocExample[]) => {
    const {cwd, pathDir, home} = sandbox()
    t.after(() => rmSync(cwd, {recursive: true, force: true}))
    const env = cleanEnv({
      PATH: [pathDir, ...systemPath, '/usr/bin', '/bin'].join(delimiter),
      HOME: home,
      KUBECONFIG: kubeconfig,
      KUBECTL_VA_PROM_URL: prom.url,
    })
    await t.test(group, async (g) => {
      for (const example of members) {
        await g.test(`${example.where}: ${example.command}`, async () => {
          const bash = ['-o', 'pipefail', '-c', example.command]
          const run = await runCommand('bash', bash, {env, cwd, timeoutMs: 120_000})
          const stdout = run.stdout.slice(0, 3000)
          const shown = `\n--- exit ${run.code}\n--- stdout\n${stdout}\n--- stderr\n${run.stderr}`
          assert.equal(run.code, example.code, `exit code${shown}`)
          const errors = run.stderr.split('\n').filter((line) => /^error:/i.test(line))
          if (example.code === 0) {
            assert.deepEqual(errors, [], `an example that succeeds prints no error${shown}`)
            assert.doesNotMatch(run.stderr, /^warning:/m, `a documented example prints no warning${shown}`)
          } else assert.equal(errors.length, 1, `a failing example says why in one error line${shown}`)
          if (example.output !== undefined) {
            assert.equal(shownLines(run.stdout), shownLines(example.output), 'stdout is the output the docs show')
          }
        })
      }
    })
  }
  const pending = [...groups]
  const worker = async () => {
    for (let next = pending.shift(); next !== undefined; next = pending.shift()) await runGroup(...next)
  }
  await Promise.all([worker(), worker(), worker()])
})
