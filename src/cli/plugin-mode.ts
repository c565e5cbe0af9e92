import {basename} from 'node:path'

/**
 * kubectl runs plugins by path, so argv[0] is `.../kubectl-va`. Krew's best practice is that help then reads
 * `kubectl va ...`. The shell shim passes its own $0 in KUBECTL_VA_ARGV0 because Node's argv[1] is run.js.
 */
export function isPluginMode(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv): boolean {
  const invokedAs = env.KUBECTL_VA_ARGV0 ?? argv[1] ?? process.execPath
  return basename(invokedAs).startsWith('kubectl-') || basename(invokedAs).startsWith('kubectl_')
}

export function displayName(pluginMode: boolean): string {
  return pluginMode ? 'kubectl va' : 'kubectl-va'
}
