import {spawn} from 'node:child_process'

import type {KubeconfigExec} from './kubeconfig-parse.js'

/** What an exec credential plugin prints in `status` (client.authentication.k8s.io v1 and v1beta1 alike). */
export interface ExecCredentialStatus {
  token?: string
  /** PEM. */
  clientCertificateData?: string
  /** PEM. */
  clientKeyData?: string
  /** RFC 3339; absent means the credential does not expire while the process runs. */
  expirationTimestamp?: string
}

/**
 * Like kubectl, credentials are kept in memory for one run (one per command, carried by its cluster connection),
 * keyed by everything that defines the plugin call (command, args, env incl. KUBERNETES_EXEC_INFO), so two users
 * running the same plugin differently never share one (client-node keys by user name:
 * kubernetes-client/javascript#592).
 */
export type ExecCredentialCache = Map<string, Promise<ExecCredentialStatus>>

/**
 * Runs an exec credential plugin, or reuses the credential it printed earlier in this process while it has not
 * expired. The plugin gets `env` added to our environment, no stdin (KUBERNETES_EXEC_INFO says `interactive: false`),
 * and its stderr is kept for the error. Rejects with the spawn error (ENOENT: not found), with the first stderr
 * text when it exits non-zero, or when its output is not an ExecCredential.
 */
export async function execCredential(
  exec: KubeconfigExec,
  credentials: ExecCredentialCache,
  now: () => number = Date.now,
): Promise<ExecCredentialStatus> {
  const key = JSON.stringify([exec.command, exec.args ?? [], exec.env])
  const cached = credentials.get(key)
  if (cached !== undefined) {
    const status = await cached.catch(() => undefined)
    if (status !== undefined && !isExpired(status, now)) return status
    if (credentials.get(key) === cached) credentials.delete(key)
    return execCredential(exec, credentials, now)
  }
  const running = runPlugin(exec)
  credentials.set(key, running)
  // A failure is not cached: the next call runs the plugin again, as client-node and kubectl do.
  running.catch(() => credentials.get(key) === running && credentials.delete(key))
  return running
}

function isExpired(status: ExecCredentialStatus, now: () => number): boolean {
  if (status.expirationTimestamp === undefined) return false
  const expiresAtMs = Date.parse(status.expirationTimestamp)
  return !(expiresAtMs > now())
}

function runPlugin(exec: KubeconfigExec): Promise<ExecCredentialStatus> {
  if (!exec.command) return Promise.reject(new Error('the exec section names no command'))
  const env: NodeJS.ProcessEnv = {...process.env}
  for (const item of exec.env) if (item && typeof item.name === 'string') env[item.name] = String(item.value ?? '')
  const args = Array.isArray(exec.args) ? exec.args.map(String) : []
  return new Promise((resolve, reject) => {
    const child = spawn(exec.command!, args, {env, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    let spawnError: Error | undefined
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', (error) => (spawnError = error))
    child.on('close', (code, signal) => {
      if (spawnError) return reject(spawnError)
      if (code !== 0)
        return reject(new Error(stderr.trim() || (signal ? `killed by ${signal}` : `exit status ${code}`)))
      try {
        resolve(parseExecCredential(stdout))
      } catch (error) {
        reject(error)
      }
    })
  })
}

/** The `status` of an ExecCredential, checked for the fields we use. The output is never quoted: it holds a token. */
export function parseExecCredential(stdout: string): ExecCredentialStatus {
  let credential: unknown
  try {
    credential = JSON.parse(stdout)
  } catch {
    throw new Error('its output is not ExecCredential JSON')
  }
  const status = (credential as {status?: unknown} | null)?.status
  if (status === null || typeof status !== 'object' || Array.isArray(status))
    throw new Error('its ExecCredential has no status')
  const result: ExecCredentialStatus = {}
  for (const field of ['token', 'clientCertificateData', 'clientKeyData', 'expirationTimestamp'] as const) {
    const value = (status as Record<string, unknown>)[field]
    if (value === undefined || value === null || value === '') continue
    if (typeof value !== 'string') throw new Error(`its ExecCredential status.${field} is not a string`)
    result[field] = value
  }
  if (
    result.token === undefined &&
    (result.clientCertificateData === undefined || result.clientKeyData === undefined)
  ) {
    throw new Error('its ExecCredential status has neither a token nor a client certificate and key')
  }
  return result
}
