import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {test} from 'node:test'

import {pinnedNode, repoRoot} from '../support/paths.js'
import {cleanEnv, runCommand} from '../support/run-cli.js'

const heavy = ['@kubernetes/client-node', 'undici']

async function modulesLoadedBy(args: string[]): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'kva-modules-'))
  try {
    const log = join(dir, 'modules.log')
    const preload = join(repoRoot, 'dist/test/support/record-modules.js')
    const run = await runCommand(pinnedNode, ['--import', preload, join(repoRoot, 'bin/run.js'), ...args], {env: cleanEnv({KUBECTL_VA_MODULE_LOG: log})})
    assert.equal(run.code, 0, run.stderr)
    return readFileSync(log, 'utf8').split('\n').filter(Boolean)
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

for (const args of [['--help'], ['version'], ['simulate', '--help']]) {
  test(`"${args.join(' ')}" loads neither @kubernetes/client-node nor undici`, async () => {
    const modules = await modulesLoadedBy(args)
    assert.ok(modules.some((url) => url.includes('@oclif/core')), 'the recorder saw oclif, so it works')
    for (const name of heavy) assert.deepEqual(modules.filter((url) => url.includes(`/node_modules/${name}/`)), [], `${name} was loaded`)
  })
}
