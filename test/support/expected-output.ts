import assert from 'node:assert/strict'
import {readFileSync, writeFileSync} from 'node:fs'

import {fixturePath} from './paths.js'

/**
 * Asserts that `actual` is, byte for byte, the stdout pinned in test/fixtures/output/<name>.txt. The few values
 * that differ between runs (a port, a creation time) are written in the file as {{KEY}} and given in `values`.
 * KVA_UPDATE_OUTPUT=1 rewrites the file from `actual` instead; review the diff before committing it.
 */
export function assertPinnedOutput(actual: string, name: string, values: Readonly<Record<string, string>> = {}): void {
  const file = fixturePath('output', `${name}.txt`)
  if (process.env.KVA_UPDATE_OUTPUT === '1') {
    let pinned = actual
    for (const [key, value] of Object.entries(values)) pinned = pinned.replaceAll(value, `{{${key}}}`)
    writeFileSync(file, pinned)
  }
  let expected = readFileSync(file, 'utf8')
  for (const [key, value] of Object.entries(values)) expected = expected.replaceAll(`{{${key}}}`, value)
  assert.equal(actual, expected, `stdout differs from test/fixtures/output/${name}.txt`)
}
