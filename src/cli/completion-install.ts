import {accessSync, constants, existsSync, mkdirSync, writeFileSync} from 'node:fs'
import {basename, delimiter, dirname, isAbsolute, join, resolve} from 'node:path'

import {UsageError} from '../core/errors.js'
import {kubectlCompletionShim, kubectlCompletionShimCmd, kubectlShimName} from './completion-scripts.js'

/**
 * Where kubectl-va runs from, as kubectl found it on PATH (not the resolved symlink: krew's bin/ holds a symlink
 * into its store, and bin/ is the directory on PATH). kubectl passes that path as argv[0]; the shell shim forwards
 * it in KUBECTL_VA_ARGV0; a SEA keeps it in process.argv0. Otherwise, the first kubectl-va on PATH.
 */
export function findPluginDir(
  env: NodeJS.ProcessEnv = process.env,
  argv0: string = process.argv0,
  cwd: string = process.cwd(),
): string | undefined {
  for (const invokedAs of [env.KUBECTL_VA_ARGV0, argv0]) {
    if (!invokedAs || !/^kubectl-va(\.exe)?$/i.test(basename(invokedAs))) continue
    if (invokedAs.includes('/') || invokedAs.includes('\\'))
      return dirname(isAbsolute(invokedAs) ? invokedAs : resolve(cwd, invokedAs))
  }
  const names = process.platform === 'win32' ? ['kubectl-va.exe', 'kubectl-va.cmd', 'kubectl-va'] : ['kubectl-va']
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    if (names.some((name) => isExecutable(join(dir, name)))) return dir
  }
  return undefined
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** Writes kubectl_complete-va (a .cmd on Windows) into `dir` and returns its path. */
export function installKubectlShim(dir: string, platform: NodeJS.Platform = process.platform): string {
  const windows = platform === 'win32'
  const file = join(dir, windows ? `${kubectlShimName}.cmd` : kubectlShimName)
  try {
    if (!existsSync(dir)) mkdirSync(dir, {recursive: true})
    writeFileSync(file, windows ? kubectlCompletionShimCmd : kubectlCompletionShim, {mode: 0o755})
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error)
    throw new UsageError(`cannot write ${file}: ${reason}`, {
      hint: 'pass --dir with a directory on your PATH that you can write',
    })
  }
  return file
}
