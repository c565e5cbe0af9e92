// Turns the bundle into a Node single executable application (SEA) for one target, Node 22 style:
// `node --experimental-sea-config` writes a blob, postject injects it into a copy of that target's node binary.
import {spawnSync} from 'node:child_process'
import {chmodSync, copyFileSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {join} from 'node:path'

import {ReleaseError} from './errors.js'

const require = createRequire(import.meta.url)

/** The fuse Node looks for to know a blob was injected (Node docs, "Single executable applications"). */
export const seaSentinelFuse = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'

/**
 * @param {{bundleFile: string, nodeBinary: string, buildNode: string, target: import('./targets.js').Target,
 *   useCodeCache: boolean, workDir: string, output: string}} options
 *   buildNode must be the same Node version as nodeBinary: a blob only runs on the version that wrote it.
 *   useCodeCache only when building on the target itself: V8's code cache is specific to the machine's V8 build.
 */
export async function buildSeaBinary({bundleFile, nodeBinary, buildNode, target, useCodeCache, workDir, output}) {
  const blob = join(workDir, `sea-${target.os}-${target.arch}.blob`)
  const configFile = join(workDir, `sea-${target.os}-${target.arch}.json`)
  writeFileSync(
    configFile,
    JSON.stringify(
      {main: bundleFile, output: blob, disableExperimentalSEAWarning: true, useSnapshot: false, useCodeCache},
      null,
      2,
    ),
  )
  const made = spawnSync(buildNode, ['--experimental-sea-config', configFile], {encoding: 'utf8'})
  if (made.status !== 0)
    throw new ReleaseError(
      `node --experimental-sea-config failed for ${target.id}: ${(made.stderr || made.stdout).trim().split('\n')[0]}`,
    )

  copyFileSync(nodeBinary, output)
  chmodSync(output, 0o755)
  const signable = target.os === 'darwin' && process.platform === 'darwin'
  if (signable) run('codesign', ['--remove-signature', output])
  // postject's CLI in a child process: its LIEF core prints harmless warnings that belong in a log only on failure.
  const postject = require.resolve('postject/dist/cli.js')
  const machoSegment = target.os === 'darwin' ? ['--macho-segment-name', 'NODE_SEA'] : []
  const injected = spawnSync(
    buildNode,
    [postject, output, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', seaSentinelFuse, ...machoSegment],
    {encoding: 'utf8'},
  )
  if (injected.status !== 0)
    throw new ReleaseError(
      `postject failed for ${target.id}: ${
        (injected.stderr || injected.stdout)
          .trim()
          .split('\n')
          .filter((line) => !line.startsWith('warning:'))
          .at(-1) ?? 'no output'
      }`,
    )
  // Without a signature an arm64 macOS kernel kills the binary; Intel macOS and other hosts: see docs/releasing.md.
  if (signable) run('codesign', ['--sign', '-', output])
  return {output, signed: signable}
}

/**
 * @param {string} command
 * @param {string[]} args
 */
function run(command, args) {
  const done = spawnSync(command, args, {encoding: 'utf8'})
  if (done.status !== 0)
    throw new ReleaseError(
      `${command} ${args.join(' ')} failed: ${(done.stderr || String(done.error)).trim().split('\n')[0]}`,
    )
}
