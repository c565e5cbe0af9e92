#!/usr/bin/env node
// Builds a kubectl-va release under release/, like goreleaser: a single-file bundle, one Node SEA executable per
// target, archives for krew (binary, completion shim, LICENSE, README.md), checksums.txt, the krew manifest
// plugins/va.yaml, release notes from CHANGELOG.md and the npm tarball. It never publishes anything.
//
//   node scripts/release.js [--snapshot] [--targets linux/amd64,...] [--out release] [--skip-build] [--skip-npm]
//                           [--archives-only | --finalize-only]
//
// See docs/releasing.md. Any failure is one line on stderr, exit code 1, and no new archive in --out.
import {spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {
  copyFileSync,
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import {join, resolve} from 'node:path'
import {parseArgs} from 'node:util'
import {fileURLToPath, pathToFileURL} from 'node:url'

import {writeTarGz, writeZip} from './release/archive.js'
import {bundleCli} from './release/bundle.js'
import {releaseNotes} from './release/changelog.js'
import {ReleaseError} from './release/errors.js'
import {readJsonObject, stringField} from './release/json.js'
import {completionShimName, renderKrewManifest} from './release/krew.js'
import {buildNodeFor, nodeBinaryFor, pinnedNodeVersion} from './release/node-binaries.js'
import {buildSeaBinary} from './release/sea.js'
import {archiveName, defaultTargetIds, findTarget, hostTargetId, parseArchiveName} from './release/targets.js'

/** @typedef {import('./release/targets.js').Target} Target */

const root = resolve(fileURLToPath(new URL('..', import.meta.url)))
const defaultHomepage = 'https://github.com/llm-d-incubation/kubectl-va'

const usage =
  'usage: node scripts/release.js [--snapshot] [--targets os/arch,...] [--out dir] [--skip-build] [--skip-npm] ' +
  '[--archives-only|--finalize-only] [--gzip-level 1-9]'

/** @param {string[]} argv */
function parseOptions(argv) {
  try {
    const {values} = parseArgs({
      args: argv,
      options: {
        snapshot: {type: 'boolean', default: false},
        targets: {type: 'string'},
        out: {type: 'string', default: 'release'},
        'skip-build': {type: 'boolean', default: false},
        'skip-npm': {type: 'boolean', default: false},
        'archives-only': {type: 'boolean', default: false},
        'finalize-only': {type: 'boolean', default: false},
        // Tests trade archive size for speed; releases use 9.
        'gzip-level': {type: 'string', default: '9'},
        help: {type: 'boolean', short: 'h', default: false},
      },
      strict: true,
    })
    return values
  } catch (error) {
    throw new ReleaseError(
      `${error instanceof Error ? error.message : String(error)}; see node scripts/release.js --help`,
    )
  }
}

/** @param {string} text */
function parseGzipLevel(text) {
  const level = Number(text)
  if (!Number.isInteger(level) || level < 1 || level > 9)
    throw new ReleaseError(`--gzip-level must be 1 to 9, not "${text}"`)
  return level
}

/**
 * @param {string[]} args
 * @returns {string}
 */
function git(args) {
  const done = spawnSync('git', args, {cwd: root, encoding: 'utf8'})
  if (done.status !== 0)
    throw new ReleaseError(`git ${args.join(' ')} failed: ${(done.stderr || String(done.error)).trim().split('\n')[0]}`)
  return done.stdout.trim()
}

/**
 * The version to release: package.json's, checked against a vX.Y.Z tag on HEAD; snapshots add the commit.
 * @param {{snapshot: boolean}} options
 * @returns {{version: string, baseVersion: string, commit: string}}
 */
export function resolveVersion({snapshot}) {
  const packageFile = join(root, 'package.json')
  const packageVersion = stringField(readJsonObject(packageFile), 'version', packageFile)
  const tags = git(['tag', '--points-at', 'HEAD', '--list', 'v[0-9]*']).split('\n').filter(Boolean)
  const refTag = process.env.GITHUB_REF_TYPE === 'tag' ? process.env.GITHUB_REF_NAME : undefined
  for (const tag of [...tags, ...(refTag ? [refTag] : [])]) {
    if (tag !== `v${packageVersion}`)
      throw new ReleaseError(
        `tag ${tag} does not match package.json version ${packageVersion}; bump package.json or move the tag`,
      )
  }
  const dirty = git(['status', '--porcelain', '--untracked-files=normal'])
  if (!snapshot) {
    if (dirty) {
      const paths = dirty.split('\n').map((line) => line.slice(3))
      const shown = paths.length > 3 ? `${paths.slice(0, 3).join(', ')} and ${paths.length - 3} more` : paths.join(', ')
      throw new ReleaseError(
        `the working tree has uncommitted changes (${shown}); commit or stash them, or pass --snapshot`,
      )
    }
    return {version: packageVersion, baseVersion: packageVersion, commit: git(['rev-parse', 'HEAD'])}
  }
  const commit = git(['rev-parse', 'HEAD'])
  return {version: `${packageVersion}-snapshot.${commit.slice(0, 7)}`, baseVersion: packageVersion, commit}
}

/**
 * @param {string} file
 * @returns {Promise<string>}
 */
function sha256(file) {
  return new Promise((resolvePromise, reject) => {
    const hash = createHash('sha256')
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolvePromise(hash.digest('hex')))
  })
}

/** @param {string} message */
function log(message) {
  process.stderr.write(`release: ${message}\n`)
}

/** @type {(bytes: number) => string} */
const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`

/**
 * Builds the bundle, then one SEA binary and one archive per target, in `staging`.
 * @param {{version: string, targets: Target[], staging: string, skipBuild: boolean, mtimeSeconds: number,
 *   gzipLevel: number}} options
 * @returns {Promise<string[]>} the archives' names
 */
async function buildArchives({version, targets, staging, skipBuild, mtimeSeconds, gzipLevel}) {
  const nodeVersion = pinnedNodeVersion(root)
  const buildNode = buildNodeFor(root, nodeVersion)
  const cacheDir = join(root, 'node_modules', '.cache', 'kubectl-va-release')
  // Every Node binary first, so a missing one stops the release before any archive exists.
  const withNode = targets.map((target) => ({
    target,
    nodeBinary: nodeBinaryFor({root, version: nodeVersion, target, cacheDir}),
  }))

  if (!skipBuild) {
    log('building dist/ and oclif.manifest.json')
    const built = spawnSync(buildNode, [join(root, 'scripts', 'build.js')], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
    })
    if (built.status !== 0) throw new ReleaseError('scripts/build.js failed (see above)')
  }
  // One source for the shim: the one `kubectl va completion install-kubectl-shim` writes.
  /** @type {typeof import('#dist/src/cli/completion-scripts.js')} */
  const {kubectlCompletionShim, kubectlCompletionShimCmd} = await import(
    pathToFileURL(join(root, 'dist', 'src', 'cli', 'completion-scripts.js')).href
  )
  const bundleFile = join(staging, 'kubectl-va.cjs')
  const bundle = await bundleCli({root, outfile: bundleFile, version})
  if (bundle.eagerHeavyModules.length > 0)
    throw new ReleaseError(
      `the bundle loads ${bundle.eagerHeavyModules.join(', ')} on every run; ` +
        'import it with await import() inside run()',
    )
  log(`bundle ${mib(bundle.bytes)}, of which ${mib(bundle.lazyBytes)} compiled on first use (node ${nodeVersion})`)

  const host = hostTargetId()
  /** @type {string[]} */
  const built = []
  for (const {target, nodeBinary} of withNode) {
    const dir = join(staging, `${target.os}_${target.arch}`)
    mkdirSync(dir, {recursive: true})
    const binary = join(dir, `kubectl-va${target.exe}`)
    const started = Date.now()
    const {signed} = await buildSeaBinary({
      bundleFile,
      nodeBinary,
      buildNode,
      target,
      useCodeCache: target.id === host,
      workDir: staging,
      output: binary,
    })
    const shim = join(dir, completionShimName(target))
    writeFileSync(shim, target.os === 'windows' ? kubectlCompletionShimCmd : kubectlCompletionShim)
    const entries = [
      {name: `kubectl-va${target.exe}`, source: binary, mode: 0o755},
      {name: completionShimName(target), source: shim, mode: 0o755},
      {name: 'LICENSE', source: join(root, 'LICENSE'), mode: 0o644},
      {name: 'README.md', source: join(root, 'README.md'), mode: 0o644},
    ]
    const name = archiveName(version, target)
    const archive = join(staging, name)
    if (target.os === 'windows') await writeZip(archive, entries, mtimeSeconds, gzipLevel)
    else await writeTarGz(archive, entries, mtimeSeconds, gzipLevel)
    const notes = [
      target.id === host ? 'code cache' : 'no code cache',
      ...(target.os === 'darwin' && !signed ? ['unsigned: sign on macOS'] : []),
    ]
    const seconds = ((Date.now() - started) / 1000).toFixed(1)
    log(
      `${name}: binary ${mib(statSync(binary).size)}, archive ${mib(statSync(archive).size)} ` +
        `(${notes.join(', ')}; ${seconds} s)`,
    )
    built.push(name)
  }
  copyFileSync(bundleFile, join(staging, 'kubectl-va.cjs.keep'))
  return built
}

/**
 * Checksums, the krew manifest, release notes and the npm tarball for the archives in `outDir`, in `staging`.
 * @param {{version: string, baseVersion: string, snapshot: boolean, outDir: string, staging: string,
 *   skipNpm: boolean}} options
 */
async function finalize({version, baseVersion, snapshot, outDir, staging, skipNpm}) {
  /** @type {{name: string, target: Target, sha256: string}[]} */
  const archives = []
  for (const name of readdirSync(outDir).sort()) {
    const target = parseArchiveName(name, version)
    if (target) archives.push({name, target, sha256: await sha256(join(outDir, name))})
  }
  if (archives.length === 0) throw new ReleaseError(`no kubectl-va_${version}_* archives in ${outDir}`)
  const packageHomepage = readJsonObject(join(root, 'package.json')).homepage
  const homepage = typeof packageHomepage === 'string' ? packageHomepage : defaultHomepage
  const manifest = renderKrewManifest({
    version,
    homepage,
    archives,
    downloadUrl: (name) => `${homepage}/releases/download/v${version}/${name}`,
  })
  mkdirSync(join(staging, 'plugins'), {recursive: true})
  writeFileSync(join(staging, 'plugins', 'va.yaml'), manifest)
  writeFileSync(
    join(staging, 'notes.md'),
    releaseNotes(readFileSync(join(root, 'CHANGELOG.md'), 'utf8'), baseVersion, {snapshot}),
  )

  const checksummed = archives.map(({name, sha256: sum}) => `${sum}  ${name}`)
  if (!skipNpm) {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
    // dist/ was just built; --ignore-scripts skips a second build through `prepare`.
    const packed = spawnSync(npm, ['pack', '--ignore-scripts', '--silent', '--pack-destination', staging], {
      cwd: root,
      encoding: 'utf8',
      shell: process.platform === 'win32',
    })
    const tarball = packed.stdout.trim().split('\n').pop()
    if (packed.status !== 0 || !tarball)
      throw new ReleaseError(`npm pack failed: ${(packed.stderr || '').trim().split('\n')[0]}`)
    checksummed.push(`${await sha256(join(staging, tarball))}  ${tarball}`)
    log(`npm package ${tarball}${snapshot ? ` (version ${baseVersion}: npm pack uses package.json)` : ''}`)
  }
  writeFileSync(join(staging, 'checksums.txt'), `${checksummed.join('\n')}\n`)
}

/**
 * Moves finished files from the staging directory into --out, only once everything succeeded.
 * @param {string} staging
 * @param {string} outDir
 */
function publishStaging(staging, outDir) {
  /** @type {(from: string, to: string) => void} */
  const move = (from, to) => {
    for (const name of readdirSync(from)) {
      const source = join(from, name)
      if (statSync(source).isDirectory()) {
        if (name !== 'plugins') continue
        mkdirSync(join(to, name), {recursive: true})
        move(source, join(to, name))
      } else if (/\.(tar\.gz|zip|tgz|txt|md|yaml)$/.test(name) || name.endsWith('.cjs.keep')) {
        renameSync(source, join(to, name.replace(/\.keep$/, '')))
      }
    }
  }
  move(staging, outDir)
}

/** @param {string[]} argv */
export async function release(argv) {
  const options = parseOptions(argv)
  if (options.help) {
    process.stdout.write(`${usage}\n`)
    return
  }
  if (options['archives-only'] && options['finalize-only'])
    throw new ReleaseError('--archives-only and --finalize-only exclude each other')
  const gzipLevel = parseGzipLevel(options['gzip-level'])
  const targets = (
    options.targets
      ? options.targets
          .split(',')
          .map((id) => id.trim())
          .filter(Boolean)
      : defaultTargetIds()
  ).map(findTarget)
  for (const file of ['LICENSE', 'README.md', 'CHANGELOG.md']) {
    if (!existsSync(join(root, file))) throw new ReleaseError(`${file} is missing from the repository root`)
  }
  const {version, baseVersion, commit} = resolveVersion({snapshot: options.snapshot})
  // Notes first: a release without them stops before the long part.
  releaseNotes(readFileSync(join(root, 'CHANGELOG.md'), 'utf8'), baseVersion, {snapshot: options.snapshot})
  const outDir = resolve(root, options.out)
  mkdirSync(outDir, {recursive: true})
  const mtimeSeconds = Number(process.env.SOURCE_DATE_EPOCH ?? git(['show', '-s', '--format=%ct', commit]))
  log(`kubectl-va ${version}${options['finalize-only'] ? '' : ` for ${targets.map((t) => t.id).join(', ')}`}`)

  const staging = mkdtempSync(join(outDir, '.staging-'))
  try {
    if (!options['finalize-only']) {
      // A new build replaces whatever an earlier one left.
      for (const name of readdirSync(outDir)) {
        if (/^kubectl-va[_-].*\.(tar\.gz|zip|tgz|cjs)$/.test(name) || name === 'checksums.txt' || name === 'notes.md')
          rmSync(join(outDir, name))
      }
      rmSync(join(outDir, 'plugins'), {recursive: true, force: true})
      await buildArchives({version, targets, staging, skipBuild: options['skip-build'], mtimeSeconds, gzipLevel})
      publishStaging(staging, outDir)
    }
    if (!options['archives-only']) {
      await finalize({version, baseVersion, snapshot: options.snapshot, outDir, staging, skipNpm: options['skip-npm']})
      publishStaging(staging, outDir)
    }
  } catch (error) {
    if (!options['finalize-only']) {
      for (const target of targets) rmSync(join(outDir, archiveName(version, target)), {force: true})
    }
    throw error
  } finally {
    rmSync(staging, {recursive: true, force: true})
  }
  log(`done: ${outDir}`)
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await release(process.argv.slice(2))
  } catch (error) {
    if (!(error instanceof ReleaseError)) throw error
    process.stderr.write(`release: error: ${error.message}\n`)
    process.exitCode = 1
  }
}
