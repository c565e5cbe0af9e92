import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {delimiter, dirname, join} from 'node:path'
import {after, before, describe, test} from 'node:test'

import {parse} from 'yaml'

import {startFakeApiServer} from '../support/fake-api-server.js'
import {clusterFixture} from '../support/kube-fixtures.js'
import {pinnedNode, repoRoot} from '../support/paths.js'
import {runCommand, type CliRun} from '../support/run-cli.js'

// One snapshot build of the linux/amd64 archive for the whole file (about 10 s: SEA injection dominates), then the
// archive is installed the way krew does it: extracted into a store directory, bin/kubectl-va symlinked to it.
// CI (.ci/run) runs on linux/amd64 and installs kubectl; elsewhere these tests fail rather than skip.
const kubectlPath = spawnSync('sh', ['-c', 'command -v kubectl'], {encoding: 'utf8'}).stdout.trim()

const quickstart = join(repoRoot, 'examples', 'quickstart.yaml')
const manifestCommands = Object.keys(JSON.parse(readFileSync(join(repoRoot, 'oclif.manifest.json'), 'utf8')).commands)

describe('installing the linux/amd64 release archive as krew does', () => {
  test('the host runs linux/amd64 binaries and has kubectl', () => {
    assert.deepEqual([process.platform, process.arch], ['linux', 'x64'], 'the install test runs the linux/amd64 binary')
    assert.notEqual(kubectlPath, '', 'kubectl is not on PATH (CI installs it)')
  })

  let work: string
  let out: string
  let storeDir: string
  let binDir: string
  let env: NodeJS.ProcessEnv
  let archiveFile: string

  const kubectl = (args: string[]): Promise<CliRun> => runCommand('kubectl', args, {env, cwd: repoRoot})

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'kva-install-'))
    out = join(work, 'release')
    const built = spawnSync(
      pinnedNode,
      [
        join(repoRoot, 'scripts', 'release.js'),
        '--snapshot',
        '--targets',
        'linux/amd64',
        '--out',
        out,
        '--skip-build',
        '--skip-npm',
        '--gzip-level',
        '1',
      ],
      {cwd: repoRoot, encoding: 'utf8'},
    )
    assert.equal(built.status, 0, built.stderr)
    const archives = readdirSync(out).filter((name) => name.endsWith('_linux_amd64.tar.gz'))
    assert.equal(archives.length, 1, `one archive in ${readdirSync(out).join(', ')}`)
    archiveFile = join(out, archives[0] ?? '')

    storeDir = join(work, 'krew', 'store', 'va')
    binDir = join(work, 'krew', 'bin')
    const kubectlDir = join(work, 'kubectl-only')
    for (const dir of [storeDir, binDir, kubectlDir]) mkdirSync(dir, {recursive: true})
    const extracted = spawnSync('tar', ['xzf', archiveFile, '-C', storeDir], {encoding: 'utf8'})
    assert.equal(extracted.status, 0, extracted.stderr)
    symlinkSync(join(storeDir, 'kubectl-va'), join(binDir, 'kubectl-va'))
    // kubectl's own directory (/usr/bin) may hold a node; link kubectl alone so the binary cannot lean on one.
    symlinkSync(kubectlPath, join(kubectlDir, 'kubectl'))
    // kubectl runs the completion shim through `#!/usr/bin/env sh`.
    symlinkSync(spawnSync('sh', ['-c', 'command -v sh'], {encoding: 'utf8'}).stdout.trim(), join(kubectlDir, 'sh'))
    env = {
      PATH: [binDir, kubectlDir].join(delimiter),
      HOME: work,
      LANG: 'C.UTF-8',
      NO_COLOR: '1',
      KUBECONFIG: join(work, 'no-kubeconfig'),
    }
  })
  after(() => rmSync(work, {recursive: true, force: true}))

  test('the archive holds the binary, the completion shim, LICENSE and README.md, and no Node is on PATH', () => {
    assert.deepEqual(readdirSync(storeDir).sort(), ['LICENSE', 'README.md', 'kubectl-va', 'kubectl_complete-va'])
    const node = spawnSync('/bin/sh', ['-c', 'command -v node'], {env, encoding: 'utf8'})
    assert.notEqual(node.status, 0, `node found at ${node.stdout}`)
    assert.ok(lstatSync(join(binDir, 'kubectl-va')).isSymbolicLink())
  })

  test('kubectl va version runs the standalone binary through plugin discovery', async () => {
    const run = await kubectl(['va', 'version'])
    assert.equal(run.stderr, '')
    assert.equal(run.code, 0)
    assert.match(
      run.stdout,
      /^kubectl-va version \d+\.\d+\.\d+-snapshot\.[0-9a-f]{7} \(node v22\.\d+\.\d+, linux\/x64\)\n$/,
    )
  })

  test('help reads "kubectl va" and lists the commands from the inlined manifest', async () => {
    const run = await kubectl(['va', '--help'])
    assert.equal(run.code, 0)
    assert.match(run.stdout, /^ {2}kubectl va \[COMMAND\]$/m)
    for (const id of manifestCommands.filter((id) => !id.startsWith('__')))
      assert.match(run.stdout, new RegExp(`^ {2}${id.replaceAll(':', ' ')} `, 'm'))
  })

  test('a usage error keeps its exit code and one-line message in the binary', async () => {
    const run = await kubectl(['va', 'version', '-o', 'xml'])
    assert.equal(run.code, 2)
    assert.equal(run.stderr, 'error: -o xml: unknown output format; use one of json,yaml\n')
  })

  test('kubectl va simulate -f examples/quickstart.yaml works offline', async () => {
    const run = await kubectl(['va', 'simulate', '-f', quickstart])
    assert.equal(run.stderr, '')
    assert.equal(run.code, 0)
    assert.match(run.stdout, /\S/)
  })

  test('kubectl va get -A reads the fake API server with the standalone binary, GETs only', async (t) => {
    const api = await startFakeApiServer(t, clusterFixture('crd-a-v0.0.4', 'shape-a-v0.0.4', 'controller-v0.0.4'))
    const run = await runCommand('kubectl', ['va', 'get', '-A', '--no-metrics', '-o', 'wide'], {
      env: {...env, KUBECONFIG: api.writeKubeconfig({namespace: 'llm'})},
      cwd: repoRoot,
    })
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stdout, /^NAMESPACE\s+NAME\s+MODEL\s/)
    assert.match(run.stdout, /^llm\s+vllme-deployment\s+default\/default\s+A100\s/m)
    assert.deepEqual(
      api.requests.filter((request) => request.method !== 'GET'),
      [],
    )
  })

  test('get loads the lazily compiled cluster client; an unreachable API server exits 4', async () => {
    const kubeconfig = join(work, 'unreachable.kubeconfig')
    writeFileSync(
      kubeconfig,
      'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: ' +
        '"https://127.0.0.1:1"}\ncontexts:\n- name: c\n  context: {cluster: c, user: u, namespace: ' +
        'llm}\ncurrent-context: c\nusers:\n- name: u\n  user: {token: t}\n',
    )
    const run = await runCommand('kubectl', ['va', 'get'], {env: {...env, KUBECONFIG: kubeconfig}, cwd: repoRoot})
    assert.equal(run.code, 4, run.stderr)
    assert.match(run.stderr, /^error: cannot reach the API server https:\/\/127\.0\.0\.1:1/)
  })

  test('install-kubectl-shim writes the shim into krew bin/ and kubectl then completes "kubectl va"', async () => {
    const installed = await kubectl(['va', 'completion', 'install-kubectl-shim'])
    assert.equal(installed.code, 0, installed.stderr)
    assert.equal(
      installed.stdout,
      `${join(binDir, 'kubectl_complete-va')} written; "kubectl va <TAB>" now completes (kubectl 1.26 or later)\n`,
    )
    const run = await kubectl(['__complete', 'va', 'ver'])
    assert.equal(run.code, 0)
    assert.equal(run.stdout, 'version\tPrint the kubectl-va version\n:4\n')
  })

  test('checksums.txt and the krew manifest match the archive', () => {
    const sha256 = createHash('sha256').update(readFileSync(archiveFile)).digest('hex')
    const name = archiveFile.slice(dirname(archiveFile).length + 1)
    assert.equal(readFileSync(join(out, 'checksums.txt'), 'utf8'), `${sha256}  ${name}\n`)
    const manifest = parse(readFileSync(join(out, 'plugins', 'va.yaml'), 'utf8'))
    assert.equal(manifest.metadata.name, 'va')
    assert.match(manifest.spec.version, /^v\d+\.\d+\.\d+-snapshot\.[0-9a-f]{7}$/)
    assert.ok(manifest.spec.shortDescription.length <= 50)
    assert.equal(manifest.spec.platforms.length, 1)
    const [platform] = manifest.spec.platforms
    assert.deepEqual(platform.selector, {matchLabels: {os: 'linux', arch: 'amd64'}})
    assert.equal(platform.sha256, sha256)
    assert.ok(platform.uri.endsWith(`/releases/download/${manifest.spec.version}/${name}`), platform.uri)
    for (const file of [platform.bin, ...platform.files.map((entry: {from: string}) => entry.from)]) {
      assert.ok(existsSync(join(storeDir, file)), `${file} is in the archive`)
    }
  })
})
