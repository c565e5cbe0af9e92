import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {test} from 'node:test'

import {wvaQueryCatalog, wvaQueryReleases} from '../../../src/core/plan/wva-queries.js'
import {repoRoot} from '../../support/paths.js'

const doc = readFileSync(join(repoRoot, 'docs', 'collector-queries.md'), 'utf8')

/** The table of one release: the lines between `### <release>` and the next heading. */
function section(release: string): string {
  const start = doc.indexOf(`\n### ${release}\n`)
  assert.ok(start >= 0, `docs/collector-queries.md has no section ${release}`)
  const end = doc.indexOf('\n#', start + 5)
  return doc.slice(start, end < 0 ? undefined : end)
}

test('docs/collector-queries.md lists every catalogued query of every release, verbatim', () => {
  for (const release of wvaQueryReleases) {
    const rows = section(release)
      .split('\n')
      .filter((line) => line.startsWith('| `'))
    const catalog = wvaQueryCatalog(release)
    assert.equal(rows.length, catalog.length, `${release}: one row per query`)
    for (const query of catalog) {
      const row = rows.find((line) => line.startsWith(`| \`${query.name}\` |`))
      assert.ok(row, `${release}: no row for ${query.name}`)
      assert.ok(row.includes(`| \`${query.template}\` |`), `${release} ${query.name}: template differs`)
    }
  }
})
