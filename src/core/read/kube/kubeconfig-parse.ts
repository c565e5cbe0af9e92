import {isAbsolute, join} from 'node:path'

import {redactSecrets} from '../../redact.js'

/**
 * The kubeconfig file format, pure: YAML text → a typed kubeconfig or the problem that makes it unusable; paths
 * made absolute; several files merged as client-go merges them. No file, environment or flag is read here (that is
 * kubeconfig.ts: which files, which context, cluster and user, token files, in-cluster).
 */

/** The fields of a kubeconfig `clusters[].cluster` that requests use, in the kubeconfig's spelling. */
export interface KubeconfigCluster {
  server: string
  /** Absolute path (resolved against the kubeconfig's directory). */
  'certificate-authority'?: string
  /** Base64 of the PEM. */
  'certificate-authority-data'?: string
  'insecure-skip-tls-verify'?: boolean
  'tls-server-name'?: string
  'proxy-url'?: string
  [key: string]: unknown
}

/** A kubeconfig `users[].user.exec`: an exec credential plugin (client.authentication.k8s.io v1 or v1beta1). */
export interface KubeconfigExec {
  apiVersion?: string
  /** Absolute when the kubeconfig gave a path; a bare name is looked up on PATH. */
  command?: string
  args?: string[]
  /** Added to the process environment; always holds KUBERNETES_EXEC_INFO. */
  env: Array<{name: string; value: string}>
  installHint?: string
  provideClusterInfo?: boolean
  interactiveMode?: string
  [key: string]: unknown
}

/** The fields of a kubeconfig `users[].user`, token-file already read into `token`, paths absolute. */
export interface KubeconfigUser {
  token?: string
  username?: string
  password?: string
  'client-certificate'?: string
  /** Base64 of the PEM. */
  'client-certificate-data'?: string
  'client-key'?: string
  /** Base64 of the PEM. */
  'client-key-data'?: string
  /** Impersonate-User. */
  as?: string
  exec?: KubeconfigExec
  /** Legacy gcp/oidc/azure providers; only client-node handles these. */
  'auth-provider'?: unknown
  [key: string]: unknown
}

/** The kubeconfig file format, as far as merging needs to know it. */
export interface RawKubeconfig {
  clusters?: Array<{name: string; cluster?: Record<string, any>}>
  users?: Array<{name: string; user?: Record<string, any>}>
  contexts?: Array<{name: string; context?: Record<string, any>}>
  'current-context'?: string
  [key: string]: unknown
}

/**
 * client-go's merge of several kubeconfig files: the first file to set a value or a named entry wins, and that value
 * is never changed (a later file's cluster, user or context of the same name is ignored entirely).
 */
export function mergeKubeconfigs(configs: readonly RawKubeconfig[]): RawKubeconfig {
  const merged: Required<Pick<RawKubeconfig, 'clusters' | 'users' | 'contexts'>> & RawKubeconfig = {
    clusters: [],
    users: [],
    contexts: [],
  }
  for (const config of configs) {
    if (
      merged['current-context'] === undefined &&
      typeof config['current-context'] === 'string' &&
      config['current-context'] !== ''
    ) {
      merged['current-context'] = config['current-context']
    }
    for (const section of ['clusters', 'users', 'contexts'] as const) {
      for (const entry of config[section] ?? []) {
        const target = merged[section] as Array<{name: string}>
        if (entry && typeof entry.name === 'string' && !target.some((existing) => existing.name === entry.name))
          target.push(entry)
      }
    }
  }
  return merged
}

/** Relative paths inside a kubeconfig resolve against that file's directory (client-go ResolveLocalPaths). */
export function resolveKubeconfigPaths(config: RawKubeconfig, directory: string): RawKubeconfig {
  const absolute = (path: unknown) =>
    typeof path === 'string' && path !== '' && !isAbsolute(path) ? join(directory, path) : path
  return {
    ...config,
    clusters: (config.clusters ?? []).map((entry) =>
      entry?.cluster
        ? {
            ...entry,
            cluster: {...entry.cluster, 'certificate-authority': absolute(entry.cluster['certificate-authority'])},
          }
        : entry,
    ),
    users: (config.users ?? []).map((entry) => {
      if (!entry?.user) return entry
      const user = {...entry.user}
      for (const key of ['client-certificate', 'client-key', 'token-file'])
        if (user[key] !== undefined) user[key] = absolute(user[key])
      // A command with a path separator is relative to the kubeconfig; a bare name is looked up on PATH.
      if (user.exec?.command && typeof user.exec.command === 'string' && user.exec.command.includes('/'))
        user.exec = {...user.exec, command: absolute(user.exec.command)}
      return {...entry, user}
    }),
  }
}

/** One kubeconfig file's text, parsed: the config, or why it cannot be used (one line, quoting no line of the file). */
export type ParsedKubeconfig = {ok: true; config: RawKubeconfig} | {ok: false; problem: string}

/**
 * Parses a kubeconfig's YAML (JSON is YAML too). An empty document is an empty config; anything but a mapping, or a
 * `clusters`, `users` or `contexts` that is not a list, is a problem. Only the first line of the YAML parser's
 * message is kept, redacted: later lines quote the file, which may hold a token.
 */
export async function parseKubeconfig(text: string): Promise<ParsedKubeconfig> {
  const {parseDocument} = await import('yaml')
  const document = parseDocument(text, {prettyErrors: false})
  const error = document.errors[0]
  if (error) return {ok: false, problem: redactSecrets(error.message.split('\n')[0] ?? 'invalid YAML')}
  const value: unknown = document.toJS()
  if (value !== null && value !== undefined && (typeof value !== 'object' || Array.isArray(value)))
    return {ok: false, problem: 'not a YAML mapping'}
  const config = (value ?? {}) as RawKubeconfig
  for (const section of ['clusters', 'users', 'contexts'] as const) {
    if (config[section] !== undefined && config[section] !== null && !Array.isArray(config[section]))
      return {ok: false, problem: `"${section}" is not a list`}
  }
  return {ok: true, config}
}
