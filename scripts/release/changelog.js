// Release notes come from CHANGELOG.md (Keep a Changelog: "## [0.1.0] - 2026-11-28" sections).
import {ReleaseError} from './errors.js'

/**
 * The body of the section for `version` ("Unreleased" for snapshots without one), without its heading.
 * @param {string} changelog
 * @param {string} version
 * @param {{snapshot?: boolean}} [options]
 */
export function releaseNotes(changelog, version, {snapshot = false} = {}) {
  /** @type {Map<string, string[]>} */
  const sections = new Map()
  /** @type {string[] | undefined} */
  let current
  for (const line of changelog.split('\n')) {
    const heading = /^## \[?v?([^\]\s]+)\]?/.exec(line)
    if (heading?.[1] !== undefined) {
      current = []
      sections.set(heading[1].toLowerCase(), current)
    } else if (current && !/^\[[^\]]+\]: /.test(line)) {
      current.push(line)
    }
  }
  const body = sections.get(version) ?? (snapshot ? sections.get('unreleased') : undefined)
  if (body === undefined)
    throw new ReleaseError(`CHANGELOG.md has no "## [${version}]" section; add the release notes first`)
  return `${body.join('\n').trim()}\n`
}
