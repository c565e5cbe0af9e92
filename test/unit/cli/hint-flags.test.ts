import assert from 'node:assert/strict'
import {readdirSync, readFileSync} from 'node:fs'
import {join, relative} from 'node:path'
import {test} from 'node:test'

import {knownFlags} from '../../support/corpus.js'
import {repoRoot} from '../../support/paths.js'

/** Flags that messages may name although kubectl-va has none: the WVA controller's, and kubectl patch's (fit). */
const foreignFlags = new Set(['watch-namespace', 'type', 'patch-file'])

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return path.endsWith('.ts') ? [path] : []
  })
}

test('every --flag a message, hint or description in src/ names exists (no --server, --prom-bearer-token-file)', () => {
  const flags = knownFlags()
  const missing: string[] = []
  for (const file of sourceFiles(join(repoRoot, 'src'))) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, index) => {
        if (/^\s*(\/\/|\*|\/\*\*)/.test(line)) return
        for (const [, flag] of line.matchAll(/(?<![\w-])--([a-z][a-z0-9-]*)/g)) {
          const negated = flag!.startsWith('no-') && flags.has(flag!.slice(3))
          if (flags.has(flag!) || negated || foreignFlags.has(flag!)) continue
          missing.push(`${relative(repoRoot, file)}:${index + 1}: --${flag}`)
        }
      })
  }
  assert.deepEqual(missing, [])
})
