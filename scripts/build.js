#!/usr/bin/env node
// Compiles TypeScript to dist/ and writes oclif.manifest.json, so that `npm ci` alone leaves a runnable plugin
// (npm runs `prepare` after installing) and --help never has to load a command file. A second tsc pass type-checks
// the plain JavaScript under scripts/ and bin/ (tsconfig.scripts.json: checkJs, no output).
import {spawnSync} from 'node:child_process'
import {rmSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
rmSync(join(root, 'dist'), {recursive: true, force: true})
for (const project of [root, join(root, 'tsconfig.scripts.json')]) {
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', project], {
    stdio: 'inherit',
  })
  if (tsc.status !== 0) process.exit(tsc.status ?? 1)
}

const {Plugin} = await import('@oclif/core')
const plugin = new Plugin({root, type: 'core', ignoreManifest: true, errorOnManifestCreate: true, isRoot: true})
await plugin.load()
writeFileSync(join(root, 'oclif.manifest.json'), `${JSON.stringify(plugin.manifest, null, 2)}\n`)
