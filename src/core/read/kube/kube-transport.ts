import {readFileSync} from 'node:fs'
import {createSecureContext} from 'node:tls'

import type {Dispatcher} from 'undici'

import {ClusterError, errorMessage, fileProblem} from '../../errors.js'
import {redactSecrets} from '../../redact.js'
import {execCredential} from './exec-credential.js'
import {environmentProxy} from '../proxy.js'
import {type ClusterConnection, clientNodeKubeConfig} from './kubeconfig.js'
import type {KubeconfigCluster, KubeconfigUser} from './kubeconfig-parse.js'

/** Headers and an undici dispatcher (undefined: the global one) that carry a kubeconfig user's credentials. */
export interface KubeTransport {
  dispatcher: Dispatcher | undefined
  headers: Record<string, string>
}

/** The TLS options of an undici connection: CA, client certificate and key, verification and SNI. */
export interface KubeTlsOptions {
  ca?: Buffer
  cert?: Buffer | string
  key?: Buffer | string
  /** Only ever false: when unset, Node's default (and NODE_TLS_REJECT_UNAUTHORIZED) applies, as with client-node. */
  rejectUnauthorized?: false
  servername?: string
}

/**
 * The credentials and TLS settings of a kubeconfig user, as headers and an undici dispatcher. Also used to reach
 * in-cluster Prometheus through the API server's service proxy, which closes the dispatcher: every call returns a
 * new one.
 *
 * Built here, without @kubernetes/client-node (whose loading dominated `kubectl va get`), for bearer tokens,
 * basic auth, client certificates, CAs, insecure-skip-tls-verify, tls-server-name, plain http:// servers, HTTP(S)
 * proxy-url and exec plugins, with client-node's precedence: token, then exec token, then basic auth. The legacy
 * auth-provider plugins and SOCKS proxies still go through client-node's `applySecurityAuthentication`.
 */
export async function kubeTransport(connection: ClusterConnection): Promise<KubeTransport> {
  const {cluster, user} = connection
  if (needsClientNode(cluster, user)) return clientNodeTransport(connection)
  let headers: Record<string, string>
  let tls: KubeTlsOptions
  try {
    ;({headers, tls} = await credentials(cluster, user, connection))
    checkTlsMaterial(connection, tls)
  } catch (error) {
    throw credentialError(connection, error)
  }
  const authorization = headers.Authorization
  if (authorization) connection.secrets.add(authorization.replace(/^(Bearer|Basic)\s+/i, ''))
  return {headers, dispatcher: await kubeDispatcher(cluster, tls)}
}

/** client-go's bound on the TLS handshake (TLSHandshakeTimeout of its transport), whatever --request-timeout says. */
export const tlsHandshakeTimeoutMs = 10_000
/** client-go's dial timeout (net.Dialer Timeout): the TCP connection, before any TLS. */
export const connectTimeoutMs = 30_000

/** The proxy requests to this cluster go through: the kubeconfig's proxy-url, else the environment's. */
export function clusterProxy(cluster: KubeconfigCluster): string | undefined {
  const proxyUrl = cluster['proxy-url']
  if (typeof proxyUrl === 'string' && proxyUrl !== '') return proxyUrl
  return environmentProxy(cluster.server)
}

/** A CA, client certificate or client key that TLS cannot use, named by its kubeconfig field. */
export class KubeconfigTlsError extends Error {
  constructor(
    readonly owner: 'cluster' | 'user',
    readonly field: string,
    reason: string,
  ) {
    super(`${field} ${reason}`)
  }
}

/**
 * Checks the CA, certificate and key before any request, so that a broken client-certificate-data is reported as
 * the kubeconfig's fault, not as the server's (OpenSSL only complains once the handshake starts).
 */
export function checkTlsMaterial(connection: Pick<ClusterConnection, 'cluster' | 'user'>, tls: KubeTlsOptions): void {
  const {cluster, user} = connection
  const field = (owner: Record<string, unknown> | undefined, name: string) =>
    typeof owner?.[name] === 'string' && owner[name] !== '' ? `${name} ${String(owner[name])}` : `${name}-data`
  const opensslReason = (error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code ?? ''
    if (/NO_START_LINE|UNSUPPORTED|BAD_BASE64|BAD_END_LINE|ASN1|DECODER/.test(code)) return 'is not valid PEM'
    return `cannot be used (${code || errorMessage(error)})`
  }
  if (tls.ca !== undefined && !/-----BEGIN CERTIFICATE-----/.test(tls.ca.toString('latin1'))) {
    throw new KubeconfigTlsError('cluster', field(cluster, 'certificate-authority'), 'holds no PEM certificate')
  }
  if (tls.ca !== undefined) {
    try {
      createSecureContext({ca: tls.ca})
    } catch (error) {
      throw new KubeconfigTlsError('cluster', field(cluster, 'certificate-authority'), opensslReason(error))
    }
  }
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    const missing = tls.cert === undefined ? 'client-certificate' : 'client-key'
    throw new KubeconfigTlsError(
      'user',
      `${missing}(-data)`,
      `is missing (${missing === 'client-key' ? 'client-certificate' : 'client-key'} is set; both are needed)`,
    )
  }
  if (tls.cert === undefined || tls.key === undefined) return
  for (const [name, options] of [
    ['client-certificate', {cert: tls.cert}],
    ['client-key', {key: tls.key}],
  ] as const) {
    try {
      createSecureContext(options)
    } catch (error) {
      throw new KubeconfigTlsError('user', field(user, name), opensslReason(error))
    }
  }
  try {
    createSecureContext({cert: tls.cert, key: tls.key})
  } catch (error) {
    const detail = `${(error as NodeJS.ErrnoException).code} ${errorMessage(error)}`
    const mismatch = /KEY_VALUES_MISMATCH|key values mismatch/i.test(detail)
    throw new KubeconfigTlsError(
      'user',
      field(user, 'client-key'),
      mismatch ? 'does not match client-certificate' : opensslReason(error),
    )
  }
}

/** Whether the user or cluster uses something only client-node implements. */
export function needsClientNode(cluster: KubeconfigCluster, user: KubeconfigUser | undefined): boolean {
  return (user?.['auth-provider'] !== undefined && user['auth-provider'] !== null) || isSocksProxy(cluster['proxy-url'])
}

/** Headers and TLS options of a user on a cluster; reads files and runs exec plugins, so it may reject. */
export async function credentials(
  cluster: KubeconfigCluster,
  user: KubeconfigUser | undefined,
  run: Pick<ClusterConnection, 'secrets' | 'execCredentials'>,
): Promise<{headers: Record<string, string>; tls: KubeTlsOptions}> {
  const headers: Record<string, string> = {}
  const tls: KubeTlsOptions = {}
  // Plain HTTP (kubectl proxy, a local apiserver) has no TLS to configure; client-node refused it outright.
  const isHttps = !cluster.server.startsWith('http://')
  if (isHttps) {
    if (cluster['insecure-skip-tls-verify'] === true) tls.rejectUnauthorized = false
    if (typeof cluster['tls-server-name'] === 'string' && cluster['tls-server-name'] !== '')
      tls.servername = cluster['tls-server-name']
    const ca = fileOrData(cluster['certificate-authority'], cluster['certificate-authority-data'])
    if (ca) tls.ca = ca
  }
  if (user === undefined) return {headers, tls}
  if (isHttps) {
    const cert = fileOrData(user['client-certificate'], user['client-certificate-data'])
    if (cert) tls.cert = cert
    const key = fileOrData(user['client-key'], user['client-key-data'])
    if (key) tls.key = key
  }
  if (user.as !== undefined && user.as !== null && user.as !== '') headers['Impersonate-User'] = String(user.as)
  if (user.username) {
    // Deviation from client-node, which sends "user:undefined" without a password: kubectl sends "user:".
    headers.Authorization = `Basic ${Buffer.from(`${user.username}:${user.password ?? ''}`).toString('base64')}`
  }
  if (user.exec && typeof user.exec === 'object') {
    const credential = await execCredential(user.exec, run.execCredentials).catch((error: unknown) => {
      throw new ExecPluginError(error)
    })
    if (isHttps && credential.clientCertificateData) tls.cert = credential.clientCertificateData
    if (isHttps && credential.clientKeyData) {
      run.secrets.add(credential.clientKeyData)
      tls.key = credential.clientKeyData
    }
    if (credential.token) headers.Authorization = `Bearer ${credential.token}`
  }
  if (user.token) headers.Authorization = `Bearer ${user.token}`
  return {headers, tls}
}

/**
 * undici's dispatcher for these TLS options: a ProxyAgent for proxy-url, an Agent when there is TLS to configure,
 * else undefined (the global dispatcher). Keep-alive probes after 30 s, like client-go and client-node, to beat
 * load-balancer idle timeouts.
 */
export async function kubeDispatcher(cluster: KubeconfigCluster, tls: KubeTlsOptions): Promise<Dispatcher | undefined> {
  // undici's connect timeout covers TCP and the TLS handshake: client-go's handshake bound.
  const keepAlive = {keepAlive: true, keepAliveInitialDelay: 30_000, timeout: tlsHandshakeTimeoutMs}
  const proxyUrl = clusterProxy(cluster)
  if (proxyUrl !== undefined) {
    const {ProxyAgent} = await import('undici')
    return new ProxyAgent({
      uri: proxyUrl,
      requestTls: {...tls, timeout: tlsHandshakeTimeoutMs},
      proxyTls: {timeout: tlsHandshakeTimeoutMs},
      connect: keepAlive,
    })
  }
  if (Object.keys(tls).length === 0) return undefined
  const {Agent} = await import('undici')
  return new Agent({connect: {...tls, ...keepAlive}})
}

function isSocksProxy(proxyUrl: unknown): boolean {
  return typeof proxyUrl === 'string' && proxyUrl.startsWith('socks')
}

/** A file's bytes, else base64 data decoded, as client-node's bufferFromFileOrString: the file wins. */
function fileOrData(file: unknown, data: unknown): Buffer | undefined {
  if (typeof file === 'string' && file !== '') return readFileSync(file)
  if (typeof data === 'string' && data !== '') return Buffer.from(data, 'base64')
  return undefined
}

/** The legacy path, for auth-provider users and SOCKS proxies: client-node's applySecurityAuthentication. */
async function clientNodeTransport(connection: ClusterConnection): Promise<KubeTransport> {
  const [kubeConfig, {RequestContext, HttpMethod}] = await Promise.all([
    clientNodeKubeConfig(connection),
    import('@kubernetes/client-node'),
  ])
  const context = new RequestContext(connection.server, HttpMethod.GET)
  try {
    await kubeConfig.applySecurityAuthentication(context)
  } catch (error) {
    // client-node's errors do not say whether the exec plugin or a file failed; an exec user's is the plugin's.
    throw credentialError(connection, connection.user?.exec ? new ExecPluginError(error) : error)
  }
  const headers: Record<string, string> = {...context.getHeaders()}
  const authorization = headers.Authorization ?? headers.authorization
  if (authorization) connection.secrets.add(authorization.replace(/^(Bearer|Basic)\s+/i, ''))
  return {dispatcher: context.getDispatcher() as Dispatcher | undefined, headers}
}

/** Marks a failure of the exec plugin itself, so that a missing CA file is not reported as a missing plugin. */
class ExecPluginError extends Error {
  constructor(readonly pluginError: unknown) {
    super(errorMessage(pluginError), {cause: pluginError})
  }
}

/** Exec plugins, unreadable certificate files and the like fail while building credentials. */
export function credentialError(
  connection: Pick<ClusterConnection, 'user' | 'userName'> & {clusterName?: string},
  thrown: unknown,
): ClusterError {
  const exec = connection.user?.exec
  const isPluginError = thrown instanceof ExecPluginError
  const error = isPluginError ? thrown.pluginError : thrown
  const user = `user "${connection.userName ?? '<none>'}"`
  if (error instanceof KubeconfigTlsError) {
    const owner = error.owner === 'cluster' ? `cluster "${connection.clusterName ?? '<none>'}"` : user
    return new ClusterError(`kubeconfig ${owner}: ${redactSecrets(error.message)}`, {
      hint:
        error.owner === 'cluster'
          ? 'fix the certificate authority of the cluster in the kubeconfig'
          : 'fix the client certificate and key of the user, or log in again to renew them',
      cause: error,
    })
  }
  const detail = redactSecrets(firstLine(errorMessage(error)) || 'failed')
  if (exec?.command && isPluginError) {
    const notFound = (error as NodeJS.ErrnoException).code === 'ENOENT'
    const what = notFound ? 'was not found' : `failed: ${detail}`
    return new ClusterError(`${user}: exec credential plugin "${exec.command}" ${what}`, {
      hint: exec.installHint ? firstLine(exec.installHint) : 'run the plugin by hand to see why, or log in again',
      cause: error,
    })
  }
  const file = (error as NodeJS.ErrnoException).path
  const code = (error as NodeJS.ErrnoException).code
  if (typeof file === 'string' && code !== undefined) {
    return new ClusterError(`${user}: cannot read ${file} (${fileProblem(code)})`, {
      hint: 'check the certificate and key paths of the user in the kubeconfig',
      cause: error,
    })
  }
  return new ClusterError(`${user}: cannot load the credentials: ${detail}`, {
    hint: 'check the certificate and key paths of the user in the kubeconfig',
    cause: error,
  })
}

function firstLine(text: string): string {
  return (text.split('\n').find((line) => line.trim() !== '') ?? '').trim().slice(0, 300)
}
