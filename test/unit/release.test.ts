import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {test} from 'node:test'
import {pathToFileURL} from 'node:url'

import {parse} from 'yaml'

import {repoRoot} from '../support/paths.js'
import {joinRegExp} from '../support/regexp.js'

// The release script is plain JavaScript under scripts/ (tsc compiles src, test and bench only).
const load = <T>(file: string) =>
  import(pathToFileURL(join(repoRoot, 'scripts', ...file.split('/'))).href) as Promise<T>

interface Target {
  id: string
  os: string
  arch: string
  exe: string
}
const targets = await load<{
  findTarget(id: string): Target
  archiveName(version: string, target: Target): string
  parseArchiveName(name: string, version: string): Target | undefined
  defaultTargetIds(host?: string): string[]
}>('release/targets.js')
const krew = await load<{
  shortDescription: string
  description: string
  caveats: string
  renderKrewManifest(options: {
    version: string
    homepage: string
    downloadUrl: (name: string) => string
    archives: {name: string; sha256: string; target: Target}[]
  }): string
}>('release/krew.js')
const {releaseNotes} = await load<{
  releaseNotes(changelog: string, version: string, options?: {snapshot?: boolean}): string
}>('release/changelog.js')
const archive = await load<{
  writeTarGz(
    output: string,
    entries: {name: string; source: string; mode: number}[],
    mtimeSeconds: number,
    level?: number,
  ): Promise<void>
  writeZip(
    output: string,
    entries: {name: string; source: string; mode: number}[],
    mtimeSeconds: number,
    level?: number,
  ): Promise<void>
  readTarGz(file: string): Map<string, Buffer>
}>('release/archive.js')

function tempDir(t: {after(fn: () => void): void}): string {
  const dir = mkdtempSync(join(tmpdir(), 'kva-release-'))
  t.after(() => rmSync(dir, {recursive: true, force: true}))
  return dir
}

test('archive names follow goreleaser and parse back to their target', () => {
  const windows = targets.findTarget('windows/amd64')
  assert.equal(targets.archiveName('0.1.0', targets.findTarget('linux/arm64')), 'kubectl-va_0.1.0_linux_arm64.tar.gz')
  assert.equal(targets.archiveName('0.1.0', windows), 'kubectl-va_0.1.0_windows_amd64.zip')
  assert.equal(targets.parseArchiveName('kubectl-va_0.1.0_windows_amd64.zip', '0.1.0')?.id, 'windows/amd64')
  assert.equal(targets.parseArchiveName('kubectl-va_0.2.0_windows_amd64.zip', '0.1.0'), undefined)
})

test('an unknown target is refused with the list of known ones', () => {
  assert.throws(
    () => targets.findTarget('freebsd/amd64'),
    /^ReleaseError: unknown target "freebsd\/amd64"; known targets: linux\/amd64, /,
  )
})

test('darwin/arm64 is built by default only on macOS arm64, where a Node 22 binary exists', () => {
  assert.deepEqual(targets.defaultTargetIds('linux/amd64'), [
    'linux/amd64',
    'linux/arm64',
    'darwin/amd64',
    'windows/amd64',
  ])
  assert.deepEqual(targets.defaultTargetIds('darwin/arm64'), [
    'linux/amd64',
    'linux/arm64',
    'darwin/amd64',
    'windows/amd64',
    'darwin/arm64',
  ])
})

test('the krew texts meet krew-index review rules', () => {
  assert.ok(krew.shortDescription.length <= 50, krew.shortDescription)
  assert.doesNotMatch(krew.shortDescription, /kubectl|plugin|kubernetes/i)
  for (const line of (krew.description + krew.caveats).split('\n')) assert.ok(line.length <= 80, line)
  assert.doesNotMatch(krew.description, /--[a-z]/, 'no usage or flags in the description')
  assert.match(krew.caveats, /RBAC/)
  assert.match(krew.caveats, /Prometheus/)
})

test('the krew manifest has one platform per archive with its sha256 and a .exe on Windows', () => {
  const archives = ['linux/amd64', 'windows/amd64'].map((id, index) => {
    const target = targets.findTarget(id)
    return {name: targets.archiveName('1.2.3', target), sha256: String(index).repeat(64), target}
  })
  const manifest = parse(
    krew.renderKrewManifest({
      version: '1.2.3',
      homepage: 'https://example.test/kva',
      archives,
      downloadUrl: (name) => `https://example.test/dl/${name}`,
    }),
  )
  assert.equal(manifest.apiVersion, 'krew.googlecontainertools.github.com/v1alpha2')
  assert.equal(manifest.kind, 'Plugin')
  assert.equal(manifest.metadata.name, 'va')
  assert.equal(manifest.spec.version, 'v1.2.3')
  assert.deepEqual(
    manifest.spec.platforms.map((p: {selector: {matchLabels: object}; bin: string; sha256: string; uri: string}) => [
      p.selector.matchLabels,
      p.bin,
      p.sha256,
      p.uri,
    ]),
    [
      [
        {os: 'linux', arch: 'amd64'},
        'kubectl-va',
        '0'.repeat(64),
        'https://example.test/dl/kubectl-va_1.2.3_linux_amd64.tar.gz',
      ],
      [
        {os: 'windows', arch: 'amd64'},
        'kubectl-va.exe',
        '1'.repeat(64),
        'https://example.test/dl/kubectl-va_1.2.3_windows_amd64.zip',
      ],
    ],
  )
  assert.ok(
    manifest.spec.platforms.every((p: {files: {from: string}[]}) => p.files.some((file) => file.from === 'LICENSE')),
  )
})

test('release notes are the CHANGELOG section of the version, or Unreleased for a snapshot', () => {
  const changelog =
    '# Changelog\n\n## [Unreleased]\n\n- next\n\n## [0.1.0] - 2026-11-28\n\n### Added\n\n- first\n\n[0.1.0]: ' +
    'https://x/0.1.0\n'
  assert.equal(releaseNotes(changelog, '0.1.0'), '### Added\n\n- first\n')
  assert.equal(releaseNotes(changelog, '0.2.0', {snapshot: true}), '- next\n')
  assert.throws(() => releaseNotes(changelog, '0.2.0'), /CHANGELOG.md has no "## \[0.2.0\]" section/)
})

test('the repository CHANGELOG has notes for the package.json version', () => {
  const version = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version as string
  assert.match(releaseNotes(readFileSync(join(repoRoot, 'CHANGELOG.md'), 'utf8'), version), /\S/)
})

test('tar.gz archives are readable by tar, keep modes and are byte-identical when rebuilt', async (t) => {
  const dir = tempDir(t)
  writeFileSync(join(dir, 'tool'), '#!/bin/sh\necho hi\n')
  writeFileSync(join(dir, 'LICENSE'), 'x'.repeat(1000))
  const entries = [
    {name: 'tool', source: join(dir, 'tool'), mode: 0o755},
    {name: 'LICENSE', source: join(dir, 'LICENSE'), mode: 0o644},
  ]
  await archive.writeTarGz(join(dir, 'a.tar.gz'), entries, 1_700_000_000)
  await archive.writeTarGz(join(dir, 'b.tar.gz'), entries, 1_700_000_000)
  assert.deepEqual(readFileSync(join(dir, 'a.tar.gz')), readFileSync(join(dir, 'b.tar.gz')))
  const listing = spawnSync('tar', ['tvzf', join(dir, 'a.tar.gz')], {encoding: 'utf8'})
  assert.equal(listing.status, 0, listing.stderr)
  assert.match(listing.stdout, /^-rwxr-xr-x .* tool\n-rw-r--r-- .* LICENSE\n$/)
  assert.equal(archive.readTarGz(join(dir, 'a.tar.gz')).get('LICENSE')?.length, 1000)
})

test('zip archives are readable by unzip with their contents intact', async (t) => {
  assert.equal(spawnSync('unzip', ['-v']).status, 0, 'unzip is not installed (CI installs it)')
  const dir = tempDir(t)
  writeFileSync(join(dir, 'tool.exe'), Buffer.from(Array.from({length: 5000}, (_, i) => i % 251)))
  await archive.writeZip(
    join(dir, 'a.zip'),
    [{name: 'tool.exe', source: join(dir, 'tool.exe'), mode: 0o755}],
    1_700_000_000,
  )
  const tested = spawnSync('unzip', ['-t', join(dir, 'a.zip')], {encoding: 'utf8'})
  assert.equal(tested.status, 0, tested.stdout + tested.stderr)
  assert.match(tested.stdout, /testing: tool\.exe +OK/)
})

/** A throwaway clone of the committed tree, to try the script's refusals without touching this checkout. */
function cloneRepository(t: {after(fn: () => void): void}): string {
  const dir = join(tempDir(t), 'repo')
  const cloned = spawnSync('git', ['clone', '--quiet', '--no-hardlinks', repoRoot, dir], {encoding: 'utf8'})
  assert.equal(cloned.status, 0, cloned.stderr)
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'))
  spawnSync('git', ['-C', dir, 'config', 'user.email', 'test@example.test'])
  spawnSync('git', ['-C', dir, 'config', 'user.name', 'test'])
  return dir
}

function runRelease(dir: string, args: string[]) {
  const env = {...process.env, GITHUB_REF_TYPE: '', GITHUB_REF_NAME: ''}
  return spawnSync(process.execPath, [join(dir, 'scripts', 'release.js'), ...args], {cwd: dir, encoding: 'utf8', env})
}

test('the release stops on a tag that does not match package.json, with one line and no archive', (t) => {
  const dir = cloneRepository(t)
  spawnSync('git', ['-C', dir, 'tag', 'v9.9.9'])
  const run = runRelease(dir, ['--targets', 'linux/amd64'])
  assert.equal(run.status, 1)
  assert.match(
    run.stderr,
    joinRegExp([
      /^release: error: tag v9\.9\.9 does not match package\.json version \d+\.\d+\.\d+; /,
      /bump package\.json or move the tag\n$/,
    ]),
  )
  assert.equal(spawnSync('ls', [join(dir, 'release')]).status, 2, 'no release/ directory')
})

test('the release refuses a dirty tree unless --snapshot, and refuses unknown targets', (t) => {
  const dir = cloneRepository(t)
  writeFileSync(join(dir, 'stray.txt'), 'x')
  const dirty = runRelease(dir, ['--targets', 'linux/amd64'])
  assert.equal(dirty.status, 1)
  assert.match(
    dirty.stderr,
    joinRegExp([
      /^release: error: the working tree has uncommitted changes \(stray\.txt\); /,
      /commit or stash them, or pass --snapshot\n$/,
    ]),
  )
  const unknown = runRelease(dir, ['--snapshot', '--targets', 'linux/amd64,plan9/386'])
  assert.equal(unknown.status, 1)
  assert.match(unknown.stderr, /^release: error: unknown target "plan9\/386"; known targets: /)
})
