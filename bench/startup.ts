/**
 * Start-up medians of kubectl-va as users run it: from source (bin/kubectl-va, what `npm i -g` installs), as the
 * single-file bundle under the pinned Node, and as the SEA binary the release ships (built here for this machine,
 * with its code cache). Prints timings and the targets; asserts nothing (style.md: bench/ is never asserted).
 *
 *   npm run build && node dist/bench/startup.js [--runs 11] [--sea path/to/kubectl-va]
 */
import {spawnSync} from 'node:child_process'
import {copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {parseArgs} from 'node:util'

import {startFakeApiServer} from '../test/support/fake-api-server.js'
import {clusterFixture, manyShapeCObjects} from '../test/support/kube-fixtures.js'
import {binDir, pinnedNode, repoRoot} from '../test/support/paths.js'
import {runCommand} from '../test/support/run-cli.js'

interface Variant {
  readonly name: string
  readonly command: string
  readonly prefix: readonly string[]
}

interface Scenario {
  readonly name: string
  readonly args: readonly string[]
  /** The target for the SEA binary, in ms. */
  readonly seaTargetMs?: number
}

const {values} = parseArgs({options: {runs: {type: 'string', default: '11'}, sea: {type: 'string'}}})
const runs = Number(values.runs)

const quickstart = join(repoRoot, 'examples', 'quickstart.yaml')
const commands = Object.keys(JSON.parse(readFileSync(join(repoRoot, 'oclif.manifest.json'), 'utf8')).commands)
const scenarios: Scenario[] = [
  {name: '--help', args: ['--help']},
  {name: 'version', args: ['version'], seaTargetMs: 100},
  {name: '__complete (commands)', args: ['__complete', '--', '']},
  ...(commands.includes('simulate') && existsSync(quickstart)
    ? [{name: 'simulate -f quickstart', args: ['simulate', '-f', quickstart], seaTargetMs: 250}]
    : []),
]

async function buildBinaries(work: string): Promise<{bundle: string; sea: string}> {
  const load = (file: string) => import(pathToFileURL(join(repoRoot, 'scripts', 'release', file)).href)
  const {bundleCli} = await load('bundle.js')
  const {buildSeaBinary} = await load('sea.js')
  const {findTarget, hostTargetId} = await load('targets.js')
  const version = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version
  const bundle = join(work, 'kubectl-va.cjs')
  await bundleCli({root: repoRoot, outfile: bundle, version})
  if (values.sea) return {bundle, sea: values.sea}
  const host = hostTargetId()
  if (!host) throw new Error(`no release target for ${process.platform}/${process.arch}`)
  const target = findTarget(host)
  const sea = join(work, `kubectl-va${target.exe}`)
  await buildSeaBinary({
    bundleFile: bundle,
    nodeBinary: pinnedNode,
    buildNode: pinnedNode,
    target,
    useCodeCache: true,
    workDir: work,
    output: sea,
  })
  return {bundle, sea}
}

function medianMs(variant: Variant, args: readonly string[]): number | string {
  const samples: number[] = []
  for (let run = 0; run <= runs; run++) {
    const started = process.hrtime.bigint()
    const done = spawnSync(variant.command, [...variant.prefix, ...args], {
      cwd: repoRoot,
      env: {...process.env, NO_COLOR: '1', KUBECONFIG: join(repoRoot, 'no-such-kubeconfig')},
    })
    const elapsed = Number(process.hrtime.bigint() - started) / 1e6
    if (done.status !== 0) return `exit ${done.status}`
    if (run > 0) samples.push(elapsed) // the first run warms the file cache
  }
  samples.sort((a, b) => a - b)
  return samples[Math.floor(samples.length / 2)] ?? Number.NaN
}

/**
 * `kubectl va get -A` (the SEA binary through kubectl's plugin discovery) against `kubectl get va -A -o json`, both on
 * the same fake API server holding 500 VAs in 20 namespaces. Target: within 2x.
 */
async function compareGetWithKubectl(sea: string): Promise<void> {
  const cleanups: Array<() => unknown> = []
  try {
    const objects = [...clusterFixture('crd-c')]
    for (let namespace = 0; namespace < 20; namespace++) objects.push(...manyShapeCObjects(25, `team-${namespace}`))
    const api = await startFakeApiServer({after: (fn: () => unknown) => cleanups.push(fn)} as never, objects)
    const pluginDir = join(work, 'plugin')
    mkdirSync(pluginDir, {recursive: true})
    copyFileSync(sea, join(pluginDir, 'kubectl-va'))
    const env = {
      ...process.env,
      PATH: `${pluginDir}:${process.env.PATH}`,
      NO_COLOR: '1',
      KUBECONFIG: api.writeKubeconfig({namespace: 'default'}),
    }
    const time = async (args: string[]) => {
      const samples: number[] = []
      for (let run = 0; run <= 5; run++) {
        const started = performance.now()
        // Async: the fake API server runs in this process.
        const done = await runCommand('kubectl', args, {env})
        if (done.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${done.stderr}`)
        if (run > 0) samples.push(performance.now() - started)
      }
      return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)]!
    }
    const kubectlMs = await time(['get', 'va', '-A', '-o', 'json'])
    const pluginMs = await time(['va', 'get', '-A', '--no-metrics'])
    const ratio = pluginMs / kubectlMs
    process.stdout.write(
      `get -A, 500 VAs in 20 namespaces: kubectl get va -A -o json ${kubectlMs.toFixed(0)} ms, kubectl va get -A (SEA) ${pluginMs.toFixed(0)} ms: ${ratio.toFixed(2)}x (target <= 2x ${ratio <= 2 ? 'ok' : 'MISSED'})\n`,
    )
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup()
  }
}

const work = mkdtempSync(join(tmpdir(), 'kva-bench-'))
try {
  process.stderr.write('building the bundle and the SEA binary...\n')
  const {bundle, sea} = await buildBinaries(work)
  const variants: Variant[] = [
    {name: 'source (bin/kubectl-va)', command: join(binDir, 'kubectl-va'), prefix: []},
    {name: 'bundle (node kubectl-va.cjs)', command: pinnedNode, prefix: [bundle]},
    {name: 'SEA binary', command: sea, prefix: []},
  ]
  const width = Math.max(...scenarios.map((scenario) => scenario.name.length))
  process.stdout.write(`median wall ms of ${runs} runs, ${process.platform}/${process.arch}, node ${process.version}\n`)
  process.stdout.write(
    `${''.padEnd(width)}  ${variants.map((variant) => variant.name.padStart(30)).join('')}  SEA target\n`,
  )
  for (const scenario of scenarios) {
    const cells = variants.map((variant) => medianMs(variant, scenario.args))
    const seaMs = cells[2]
    const verdict =
      scenario.seaTargetMs === undefined
        ? ''
        : typeof seaMs === 'number' && seaMs <= scenario.seaTargetMs
          ? `<= ${scenario.seaTargetMs} ok`
          : `<= ${scenario.seaTargetMs} MISSED`
    process.stdout.write(
      `${scenario.name.padEnd(width)}  ${cells.map((cell) => (typeof cell === 'number' ? cell.toFixed(0) : cell).padStart(30)).join('')}  ${verdict}\n`,
    )
  }
  await compareGetWithKubectl(sea)
} finally {
  rmSync(work, {recursive: true, force: true})
}
