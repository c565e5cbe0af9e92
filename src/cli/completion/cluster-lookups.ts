import {execFile} from 'node:child_process'
import {readFile} from 'node:fs/promises'

import {kubeconfigFiles} from '../../core/read/kube/kubeconfig.js'
import type {Candidate, ClusterSelection, CompletionLookups} from './complete.js'

/** Completion runs while the user waits at the prompt; a slow or unreachable cluster yields no candidates. */
export const clusterLookupTimeoutMs = 2000

/**
 * Cluster values for completion. Contexts come from the kubeconfig files (offline). Namespaces and VA names come
 * from `kubectl get -o name`: kubectl is always there when it completes a plugin, and it already implements
 * kubeconfig merging, exec credential plugins and proxies. Every lookup swallows its errors and returns [].
 */
export function clusterLookups(env: NodeJS.ProcessEnv = process.env): CompletionLookups {
  return {
    contexts: (selection) => readContexts(selection, env).catch(() => []),
    namespaces: (selection) => kubectlGetNames(['namespaces'], selection, env),
    variantAutoscalings: (selection) =>
      kubectlGetNames(
        ['variantautoscalings.llmd.ai', ...(selection.namespace ? ['--namespace', selection.namespace] : [])],
        selection,
        env,
      ),
  }
}

async function readContexts(selection: ClusterSelection, env: NodeJS.ProcessEnv): Promise<Candidate[]> {
  const {parse} = await import('yaml')
  const seen = new Map<string, Candidate>()
  for (const file of kubeconfigFiles({kubeconfig: selection.kubeconfig, env}).files) {
    const text = await readFile(file, 'utf8').catch(() => '')
    const config: unknown = text ? parse(text) : undefined
    const contexts = (config as {contexts?: unknown} | undefined)?.contexts
    if (!Array.isArray(contexts)) continue
    for (const entry of contexts) {
      const name = (entry as {name?: unknown})?.name
      const context = (entry as {context?: {cluster?: unknown; namespace?: unknown}})?.context
      // kubectl keeps the first definition of a name across files.
      if (typeof name !== 'string' || seen.has(name)) continue
      const cluster = typeof context?.cluster === 'string' ? `cluster ${context.cluster}` : undefined
      seen.set(name, {value: name, description: cluster})
    }
  }
  return [...seen.values()]
}

function kubectlGetNames(
  what: readonly string[],
  selection: ClusterSelection,
  env: NodeJS.ProcessEnv,
): Promise<Candidate[]> {
  const args = [
    'get',
    ...what,
    '--output=name',
    `--request-timeout=${Math.ceil(clusterLookupTimeoutMs / 1000)}s`,
    ...(selection.kubeconfig ? ['--kubeconfig', selection.kubeconfig] : []),
    ...(selection.context ? ['--context', selection.context] : []),
  ]
  return new Promise((resolve) => {
    execFile(
      env.KUBECTL_VA_KUBECTL ?? 'kubectl',
      args,
      {env, timeout: clusterLookupTimeoutMs + 500, windowsHide: true},
      (error, stdout) => {
        if (error) return resolve([])
        // `-o name` prints kind.group/name; completion wants the name.
        resolve(
          stdout
            .split('\n')
            .map((line) => line.trim().replace(/^[^/]+\//, ''))
            .filter(Boolean)
            .map((value) => ({value})),
        )
      },
    )
  })
}
