import type {ClientRequest} from 'node:http'
import type {Socket} from 'node:net'

import {ClusterError, errorMessage} from '../../errors.js'
import {redactSecrets} from '../../redact.js'
import type {ClusterConnection} from './kubeconfig.js'
import {
  checkTlsMaterial,
  clusterProxy,
  connectTimeoutMs,
  credentialError,
  credentials,
  kubeTransport,
  needsClientNode,
  tlsHandshakeTimeoutMs,
} from './kube-transport.js'

// Also used to reach Prometheus through the API server's service proxy (inspect/gather.ts).
export {kubeTransport} from './kube-transport.js'

/** A Kubernetes `Status` error body, as far as we read it. */
export interface KubeStatus {
  code?: number
  reason?: string
  message?: string
  details?: {name?: string; group?: string; kind?: string}
}

export type KubeResponse = {kind: 'ok'; body: any} | {kind: 'error'; code: number; status: KubeStatus}

/** Read-only access to the API server: GET only, raw JSON (no client-side models, so objects stay as served). */
export interface KubeReader {
  get(path: string, query?: Readonly<Record<string, string | undefined>>): Promise<KubeResponse>
  readonly server: string
  /** Requests sent so far. */
  readonly requestCount: number
}

/**
 * Builds a reader on a connection. Credentials and TLS come from kube-transport, resolved once; the requests are
 * plain GETs (not client-node's generated clients, which turn timestamps into Date objects and rename
 * `x-kubernetes-*` schema keys: we want the objects exactly as the server sent them). `requestTimeoutMs` 0 or
 * undefined means no timeout, as kubectl's `0`.
 */
export async function createKubeReader(
  connection: ClusterConnection,
  options: {requestTimeoutMs?: number | undefined} = {},
): Promise<KubeReader> {
  const send = await requestSender(connection, options.requestTimeoutMs)
  let requestCount = 0
  return {
    server: connection.server,
    get requestCount() {
      return requestCount
    },
    async get(path, query = {}) {
      const url = new URL(connection.server + path)
      for (const [key, value] of Object.entries(query))
        if (value !== undefined && value !== '') url.searchParams.set(key, value)
      requestCount++
      let response: {status: number; text: string}
      try {
        response = await send(url)
      } catch (error) {
        throw transportError(connection, error, options.requestTimeoutMs)
      }
      const text = response.text
      if (response.status === 401) {
        const user = connection.userName ?? '<none>'
        const what = `the credentials of user "${user}" were rejected (401 Unauthorized)`
        throw new ClusterError(`API server ${connection.server}: ${what}`, {
          hint: 'credentials rejected; refresh your token (log in again) or check the user in the kubeconfig',
        })
      }
      let body: any
      try {
        body = text === '' ? undefined : JSON.parse(text)
      } catch {
        body = undefined
      }
      if (response.status >= 200 && response.status < 300) {
        if (body === undefined) {
          throw new ClusterError(`API server ${connection.server}: GET ${path} answered with something not JSON`, {
            hint: "check that the kubeconfig's server URL (clusters[].cluster.server) is a Kubernetes API server",
          })
        }
        return {kind: 'ok', body}
      }
      const status: KubeStatus =
        body && typeof body === 'object' && body.kind === 'Status'
          ? body
          : {code: response.status, message: firstLine(text)}
      return {kind: 'error', code: response.status, status}
    },
  }
}

type Send = (url: URL) => Promise<{status: number; text: string}>

/**
 * Node's own http/https client when no proxy is involved: it is already loaded, where undici costs the standalone
 * binary ~40 ms to compile on every cluster command. A proxy-url or a client-node-only user goes through undici.
 */
async function requestSender(connection: ClusterConnection, requestTimeoutMs: number | undefined): Promise<Send> {
  const {cluster, user} = connection
  // A proxy-url, or HTTPS_PROXY/HTTP_PROXY as kubectl reads them (not for loopback or NO_PROXY hosts).
  const proxied = clusterProxy(cluster) !== undefined
  if (proxied || needsClientNode(cluster, user)) return undiciSender(connection, requestTimeoutMs)
  let resolved: Awaited<ReturnType<typeof credentials>>
  try {
    resolved = await credentials(cluster, user, connection)
    checkTlsMaterial(connection, resolved.tls)
  } catch (error) {
    throw credentialError(connection, error)
  }
  const authorization = resolved.headers.Authorization
  if (authorization) connection.secrets.add(authorization.replace(/^(Bearer|Basic)\s+/i, ''))
  const headers = {...resolved.headers, Accept: 'application/json', 'User-Agent': 'kubectl-va'}
  const isHttps = connection.server.startsWith('https:')
  // Not import(): the ESM facade of node:http reads its lazy exports, which load Node's bundled undici.
  const http = isHttps ? process.getBuiltinModule('node:https') : process.getBuiltinModule('node:http')
  // One keep-alive connection serves the reader's parallel GETs (TLS handshake once), as kubectl does.
  const agent = isHttps
    ? new (http as typeof import('node:https')).Agent({keepAlive: true, ...resolved.tls})
    : new http.Agent({keepAlive: true})
  return (url) =>
    new Promise((resolve, reject) => {
      const request = http.request(
        url,
        {method: 'GET', headers, agent, ...(requestTimeoutMs ? {signal: AbortSignal.timeout(requestTimeoutMs)} : {})},
        (response) => {
          const chunks: Buffer[] = []
          response.on('data', (chunk: Buffer) => chunks.push(chunk))
          // Idle keep-alive sockets are unref'd by the agent (keepSocketAlive), so they never hold the process open.
          response.on('end', () =>
            resolve({status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8')}),
          )
          response.on('error', reject)
        },
      )
      request.on('error', reject)
      request.on('socket', (socket) => boundHandshake(request, socket, isHttps))
      request.end()
    })
}

/**
 * client-go's bounds on a new connection, which hold even with --request-timeout 0: 30 s for TCP, then 10 s for the
 * TLS handshake (a server that accepts TCP and never speaks TLS would otherwise hang the command forever).
 */
function boundHandshake(request: ClientRequest, socket: Socket, isHttps: boolean): void {
  const tls = socket as Socket & {encrypted?: boolean; pending?: boolean}
  const secure = () => tls.encrypted === true && tls.pending !== true && socket.readyState === 'open'
  if (!socket.connecting && (!isHttps || secure())) return
  const fail = (code: string, message: string) => request.destroy(Object.assign(new Error(message), {code}))
  const noTcp = () => fail('ETIMEDOUT', `no TCP connection within ${connectTimeoutMs / 1000}s`)
  let timer = setTimeout(noTcp, connectTimeoutMs)
  const clear = () => clearTimeout(timer)
  socket.once('connect', () => {
    clear()
    if (!isHttps) return
    timer = setTimeout(() => fail('KVA_TLS_HANDSHAKE_TIMEOUT', 'TLS handshake timeout'), tlsHandshakeTimeoutMs)
  })
  socket.once('secureConnect', clear)
  socket.once('close', clear)
  request.once('close', clear)
}

async function undiciSender(connection: ClusterConnection, requestTimeoutMs: number | undefined): Promise<Send> {
  const [{dispatcher, headers: authHeaders}, {fetch}] = await Promise.all([kubeTransport(connection), import('undici')])
  const headers: Record<string, string> = {...authHeaders, Accept: 'application/json', 'User-Agent': 'kubectl-va'}
  // Through a proxy, undici may take the parallel requests one connection attempt at a time: once one cannot connect
  // (10 s at most), the others fail with it instead of each waiting its own 10 s.
  const unreachable = new AbortController()
  return async (url) => {
    const signals = [unreachable.signal, ...(requestTimeoutMs ? [AbortSignal.timeout(requestTimeoutMs)] : [])]
    try {
      const signal = AbortSignal.any(signals)
      const response = await fetch(url, {method: 'GET', headers, ...(dispatcher ? {dispatcher} : {}), signal})
      return {status: response.status, text: await response.text()}
    } catch (error) {
      if (!unreachable.signal.aborted && isConnectionFailure(error)) {
        unreachable.abort(error)
        // Its queued connection attempts would otherwise keep the process alive after the error is printed.
        void dispatcher?.destroy().catch(() => undefined)
      }
      throw error
    }
  }
}

/** A failure to connect at all (refused, unresolvable, no TCP or TLS within the bound, TLS rejected). */
const connectTimeoutCodes = ['UND_ERR_CONNECT_TIMEOUT', 'KVA_TLS_HANDSHAKE_TIMEOUT']

function isConnectionFailure(error: unknown): boolean {
  const codes = causes(error).map((item) => (item as NodeJS.ErrnoException).code)
  return codes.some(
    (code) =>
      code !== undefined && (connectTimeoutCodes.includes(code) || code in unreachableCodes || tlsCodes.has(code)),
  )
}

const tlsCodes = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
])

const unreachableCodes: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed',
}

/** Maps a failed fetch (network, TLS, timeout) to a one-line ClusterError that names the server and the fix. */
export function transportError(
  connection: Pick<ClusterConnection, 'server'>,
  error: unknown,
  requestTimeoutMs?: number,
): ClusterError {
  const chain = causes(error)
  const codes = chain
    .map((item) => (item as NodeJS.ErrnoException).code)
    .filter((code): code is string => typeof code === 'string')
  if (codes.includes('KVA_TLS_HANDSHAKE_TIMEOUT') || codes.includes('UND_ERR_CONNECT_TIMEOUT')) {
    const handshake = codes.includes('KVA_TLS_HANDSHAKE_TIMEOUT')
    const failed = handshake ? 'the TLS handshake did not finish' : 'no connection (TCP and TLS)'
    const what = `${failed} within ${tlsHandshakeTimeoutMs / 1000}s`
    return new ClusterError(`cannot reach the API server ${connection.server}: ${what}`, {
      hint: "check that the kubeconfig's server URL is the API server's HTTPS address, and that the cluster is up",
      cause: error,
    })
  }
  if (chain.some((item) => item.name === 'TimeoutError' || item.name === 'AbortError')) {
    const after = requestTimeoutMs ? ` within ${formatSeconds(requestTimeoutMs)}` : ''
    return new ClusterError(`API server ${connection.server}: no answer${after}`, {
      hint: 'check that the cluster is up, or raise --request-timeout',
      cause: error,
    })
  }
  const tls = codes.find((code) => tlsCodes.has(code))
  if (tls) {
    return new ClusterError(`API server ${connection.server}: TLS verification failed (${tls})`, {
      hint: "check the cluster's certificate-authority(-data) and tls-server-name in the kubeconfig",
      cause: error,
    })
  }
  const unreachable = codes.find((code) => code in unreachableCodes)
  if (unreachable) {
    return new ClusterError(`cannot reach the API server ${connection.server}: ${unreachableCodes[unreachable]}`, {
      hint: "check the kubeconfig's server URL (clusters[].cluster.server), and that the cluster is up",
      cause: error,
    })
  }
  const detail = redactSecrets(
    firstLine(
      chain
        .map((item) => item.message)
        .filter((message) => message && message !== 'fetch failed')
        .pop() ?? errorMessage(error),
    ),
  )
  return new ClusterError(`cannot reach the API server ${connection.server}: ${detail}`, {
    hint: "check the kubeconfig's server URL (clusters[].cluster.server), and that the cluster is up",
    cause: error,
  })
}

function formatSeconds(milliseconds: number): string {
  return milliseconds % 1000 === 0 ? `${milliseconds / 1000}s` : `${milliseconds}ms`
}

function causes(error: unknown): Error[] {
  const chain: Error[] = []
  let current: unknown = error
  while (current instanceof Error && chain.length < 8) {
    chain.push(current)
    if (current instanceof AggregateError)
      chain.push(...current.errors.filter((item): item is Error => item instanceof Error))
    current = (current as {cause?: unknown}).cause
  }
  return chain
}

function firstLine(text: string): string {
  return (text.split('\n').find((line) => line.trim() !== '') ?? '').trim().slice(0, 300)
}
