import {existsSync, readFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {delimiter, dirname, join, resolve} from 'node:path'

import type {KubeConfig} from '@kubernetes/client-node'

import {ClusterError, errorMessage, fileProblem, shownValue} from '../../errors.js'
import {redactSecrets, Secrets} from '../../redact.js'
import type {ExecCredentialCache} from './exec-credential.js'
import {
  type KubeconfigCluster,
  type KubeconfigUser,
  mergeKubeconfigs,
  parseKubeconfig,
  type RawKubeconfig,
  resolveKubeconfigPaths,
} from './kubeconfig-parse.js'

/** What kubectl's kubeconfig flags and environment say; every field optional, as on the command line. */
export interface KubeconfigOptions {
  /** --kubeconfig: this file only, no merge; it must exist. */
  kubeconfig?: string | undefined
  context?: string | undefined
  cluster?: string | undefined
  user?: string | undefined
  /** -n: wins over the context's namespace. */
  namespace?: string | undefined
  /** Environment to read KUBECONFIG, HOME and KUBERNETES_SERVICE_* from (process.env by default). */
  env?: NodeJS.ProcessEnv | undefined
  /** Where the in-cluster service account files live (tests point it elsewhere). */
  serviceAccountDir?: string | undefined
  /** Directory that relative --kubeconfig paths resolve against (process.cwd() by default). */
  cwd?: string | undefined
  /** The run's secrets: the user's token, password and key are added (a new registry when omitted). */
  secrets?: Secrets | undefined
}

/**
 * A kubeconfig resolved to one cluster, user and namespace, ready for requests: plain data, so that building it
 * loads no client library (kube-transport.ts turns it into headers and a dispatcher).
 */
export interface ClusterConnection {
  server: string
  /** The effective cluster entry, after the kubeconfig merge. */
  cluster: KubeconfigCluster
  /** The effective user entry, after the merge; undefined when the context names no user. */
  user: KubeconfigUser | undefined
  contextName: string
  clusterName: string
  userName: string | undefined
  namespace: string
  /** Where the config came from: the files read, or "in-cluster". */
  source: string
  /** The run's secrets, to which credentials read for this connection are added. */
  secrets: Secrets
  /** Exec-plugin credentials of this connection, reused while they have not expired. */
  execCredentials: ExecCredentialCache
  /** client-node's KubeConfig of this connection, once built (see clientNodeKubeConfig). */
  clientNode: {config?: Promise<KubeConfig>}
}

export const defaultServiceAccountDir = '/var/run/secrets/kubernetes.io/serviceaccount'

/**
 * The files to read, in kubectl's order: --kubeconfig alone; else the KUBECONFIG list (empty entries ignored,
 * duplicates read once); else ~/.kube/config.
 */
export function kubeconfigFiles(options: KubeconfigOptions): {files: string[]; explicit: boolean} {
  const env = options.env ?? process.env
  const cwd = options.cwd ?? process.cwd()
  if (options.kubeconfig !== undefined && options.kubeconfig !== '')
    return {files: [resolve(cwd, options.kubeconfig)], explicit: true}
  const list = env.KUBECONFIG
  if (list !== undefined && list !== '') {
    const files = list
      .split(delimiter)
      .filter((file) => file !== '')
      .map((file) => resolve(cwd, file))
    return {files: [...new Set(files)], explicit: false}
  }
  const home = env.HOME ?? homedir()
  return {files: [join(home, '.kube', 'config')], explicit: false}
}

/**
 * Reads and parses one kubeconfig file; undefined when it does not exist (client-go skips missing KUBECONFIG files).
 */
export async function readKubeconfigFile(file: string): Promise<RawKubeconfig | undefined> {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    const code = (error as NodeJS.ErrnoException).code
    const problem = code === undefined ? errorMessage(error) : fileProblem(code)
    throw new ClusterError(`kubeconfig ${file}: cannot read it (${problem})`, {
      hint: 'check the file permissions, or point --kubeconfig or KUBECONFIG at another file',
    })
  }
  const parsed = await parseKubeconfig(text)
  if (!parsed.ok) {
    throw new ClusterError(`kubeconfig ${file}: cannot parse it: ${parsed.problem}`, {
      hint: 'fix the file, or point --kubeconfig or KUBECONFIG at another one',
    })
  }
  return resolveKubeconfigPaths(parsed.config, dirname(file))
}

/**
 * Loads the kubeconfig like kubectl: files (see kubeconfigFiles), merged; else in-cluster; then --context, --cluster
 * and --user; the namespace from -n, else the context's, else "default". Throws ClusterError naming the file or
 * context and the fix. Tokens read here are registered for redaction.
 */
export async function loadKubeconfig(options: KubeconfigOptions = {}): Promise<ClusterConnection> {
  const {files, explicit} = kubeconfigFiles(options)
  const configs: RawKubeconfig[] = []
  const read: string[] = []
  for (const file of files) {
    const config = await readKubeconfigFile(file)
    if (config === undefined) {
      if (explicit) throw new ClusterError(`kubeconfig ${file}: no such file`, {hint: 'check the --kubeconfig path'})
      continue
    }
    configs.push(config)
    read.push(file)
  }
  const merged = mergeKubeconfigs(configs)
  const isEmpty = merged.clusters!.length === 0 && merged.contexts!.length === 0 && merged.users!.length === 0
  if (isEmpty && !explicit) {
    const inCluster = loadInCluster(options)
    if (inCluster) return inCluster
    const where = (options.env ?? process.env).KUBECONFIG ? `${files.join(delimiter)} (from KUBECONFIG)` : files[0]
    throw new ClusterError(`kubeconfig ${where}: not found, and not running in a cluster`, {
      hint: 'pass --kubeconfig, set KUBECONFIG, or create ~/.kube/config (e.g. with your cloud CLI)',
    })
  }
  return resolveConnection(merged, options, read.join(delimiter))
}

/**
 * Selects the context, cluster and user of a merged kubeconfig (--context, --cluster, --user over the current
 * context), checks the server URL, reads a user's token-file and gives exec plugins KUBERNETES_EXEC_INFO; the
 * namespace from -n, else the context's, else "default". `source` names the files in messages.
 */
export function resolveConnection(
  merged: RawKubeconfig,
  options: KubeconfigOptions,
  source: string,
): ClusterConnection {
  const contextName = options.context || merged['current-context'] || undefined
  const rawContext =
    contextName === undefined ? undefined : merged.contexts!.find((entry) => entry.name === contextName)
  if (contextName === undefined && !options.cluster) {
    throw new ClusterError(`kubeconfig ${source}: no current context is set`, {
      hint: 'pass --context NAME, or run "kubectl config use-context NAME"',
    })
  }
  if (contextName !== undefined && !rawContext && options.context) {
    throw new ClusterError(`kubeconfig ${source}: context "${contextName}" not found`, {
      hint: 'list the contexts with "kubectl config get-contexts" and pass one with --context',
    })
  }
  if (contextName !== undefined && !rawContext) {
    throw new ClusterError(`kubeconfig ${source}: current context "${contextName}" does not exist`, {
      hint: 'pass --context NAME, or run "kubectl config use-context NAME"',
    })
  }
  const context = rawContext?.context ?? {}
  const clusterName: string | undefined = options.cluster || context.cluster
  const userName: string | undefined = options.user || context.user || undefined
  const what = contextName === undefined ? '' : ` (context "${contextName}")`
  const rawCluster = merged.clusters!.find((entry) => entry.name === clusterName)
  if (!clusterName || !rawCluster) {
    throw new ClusterError(`kubeconfig ${source}: cluster "${clusterName ?? ''}"${what} not found`, {
      hint: options.cluster
        ? 'list the clusters with "kubectl config get-clusters"'
        : 'fix the context, or pass --cluster or --context',
    })
  }
  if (!rawCluster.cluster?.server) {
    throw new ClusterError(`kubeconfig ${source}: cluster "${clusterName}"${what} has no server`, {
      hint: 'set clusters[].cluster.server, e.g. with "kubectl config set-cluster"',
    })
  }
  const rawUser = userName === undefined ? undefined : merged.users!.find((entry) => entry.name === userName)
  if (userName !== undefined && !rawUser) {
    throw new ClusterError(`kubeconfig ${source}: user "${userName}"${what} not found`, {
      hint: options.user ? 'list the users with "kubectl config view"' : 'fix the context, or pass --user or --context',
    })
  }
  if (typeof rawCluster.cluster.server !== 'string') {
    throw new ClusterError(`kubeconfig ${source}: cluster "${clusterName}"${what}: server is not a string`, {
      hint: 'set clusters[].cluster.server to a URL, e.g. with "kubectl config set-cluster"',
    })
  }
  const user = prepareUser(rawUser, rawCluster.cluster, source)
  const namespace = options.namespace || context.namespace || 'default'
  const cluster = withServerUrl(
    rawCluster.cluster as KubeconfigCluster,
    `kubeconfig ${source}: cluster "${clusterName}"${what}`,
  )
  const secrets = options.secrets ?? new Secrets()
  for (const secret of [user?.token, user?.password, user?.['client-key-data']]) {
    if (typeof secret === 'string') secrets.add(secret)
  }
  const names = {contextName: contextName ?? 'kubectl-va', clusterName, userName, namespace, source}
  const caches = {execCredentials: new Map(), clientNode: {}}
  return {server: cluster.server.replace(/\/$/, ''), cluster, user, ...names, secrets, ...caches}
}

/**
 * The server as a URL: kubectl reads `host:port` without a scheme as https://host:port (client-go DefaultServerURL);
 * anything else that is not http(s) is the kubeconfig's fault, said before any request.
 */
function withServerUrl(cluster: KubeconfigCluster, object: string): KubeconfigCluster {
  const server = /^[a-z][a-z0-9+.-]*:\/\//i.test(cluster.server) ? cluster.server : `https://${cluster.server}`
  let url: URL | undefined
  try {
    url = new URL(server)
  } catch {
    url = undefined
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.hostname === '') {
    throw new ClusterError(`${object}: server ${shownValue(redactSecrets(cluster.server))} is not an https:// URL`, {
      hint: 'set clusters[].cluster.server to e.g. https://api.example.com:6443',
    })
  }
  return server === cluster.server ? cluster : {...cluster, server}
}

/**
 * client-node's KubeConfig for a connection, holding only its cluster, user and namespace; built on first use (the
 * library is large to load) and then reused, so its exec and auth-provider token caches live as long as the
 * connection. Only what kube-transport.ts does not implement (auth-provider, SOCKS proxies) needs it.
 */
export function clientNodeKubeConfig(connection: ClusterConnection): Promise<KubeConfig> {
  connection.clientNode.config ??= buildClientNodeKubeConfig(connection)
  return connection.clientNode.config
}

async function buildClientNodeKubeConfig(connection: ClusterConnection): Promise<KubeConfig> {
  const {KubeConfig} = await import('@kubernetes/client-node')
  const kubeConfig = new KubeConfig()
  // client-node refuses http:// servers unless TLS verification is off; kubectl talks plain HTTP to them (kubectl
  // proxy).
  const cluster = connection.cluster.server.startsWith('http://')
    ? {...connection.cluster, 'insecure-skip-tls-verify': true}
    : connection.cluster
  const {user, userName, clusterName, contextName, namespace} = connection
  try {
    kubeConfig.loadFromString(
      JSON.stringify({
        clusters: [{name: clusterName, cluster}],
        users: user && userName !== undefined ? [{name: userName, user}] : [],
        contexts: [{name: contextName, context: {cluster: clusterName, ...(user ? {user: userName} : {}), namespace}}],
        'current-context': contextName,
      }),
    )
  } catch (error) {
    throw new ClusterError(
      `kubeconfig ${connection.source}: ${redactSecrets(errorMessage(error))} (context "${contextName}")`,
      {hint: 'fix the file, or pass another --context'},
    )
  }
  return kubeConfig
}

/**
 * Inlines a token-file (trimmed, as client-go does; client-node would
 * send its trailing newline), and gives exec plugins the KUBERNETES_EXEC_INFO that client-node does not set.
 */
function prepareUser(
  entry: {name: string; user?: Record<string, any>} | undefined,
  cluster: Record<string, any>,
  source: string,
): KubeconfigUser | undefined {
  if (!entry) return undefined
  const user: Record<string, any> = {...(entry.user ?? {})}
  if (typeof user['token-file'] === 'string' && !user.token) {
    try {
      user.token = readFileSync(user['token-file'], 'utf8').trim()
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      const problem = code === undefined ? errorMessage(error) : fileProblem(code)
      const what = `token-file ${user['token-file']} cannot be read (${problem})`
      throw new ClusterError(`kubeconfig ${source}: user "${entry.name}": ${what}`, {
        hint: 'fix the token-file path or refresh the token',
      })
    }
    delete user['token-file']
  }
  if (user.exec && typeof user.exec === 'object') {
    const execInfo = {
      apiVersion: user.exec.apiVersion ?? 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      spec: {
        // The plugin's stdin is not a terminal (kube-transport.ts does not pass ours on), so it can never prompt.
        interactive: false,
        ...(user.exec.provideClusterInfo
          ? {
              cluster: {
                server: cluster.server,
                'certificate-authority-data': cluster['certificate-authority-data'],
                'insecure-skip-tls-verify': cluster['insecure-skip-tls-verify'],
                'tls-server-name': cluster['tls-server-name'],
              },
            }
          : {}),
      },
    }
    const env = Array.isArray(user.exec.env)
      ? user.exec.env.filter((item: {name?: string}) => item?.name !== 'KUBERNETES_EXEC_INFO')
      : []
    user.exec = {...user.exec, env: [...env, {name: 'KUBERNETES_EXEC_INFO', value: JSON.stringify(execInfo)}]}
  }
  return user
}

/** client-go's in-cluster config: KUBERNETES_SERVICE_HOST/PORT and the service account token, CA and namespace. */
function loadInCluster(options: KubeconfigOptions): ClusterConnection | undefined {
  const env = options.env ?? process.env
  const host = env.KUBERNETES_SERVICE_HOST
  const port = env.KUBERNETES_SERVICE_PORT
  const dir = options.serviceAccountDir ?? defaultServiceAccountDir
  const tokenFile = join(dir, 'token')
  if (!host || !port || !existsSync(tokenFile)) return undefined
  if (options.context || options.cluster || options.user) {
    throw new ClusterError(
      '--context, --cluster and --user: need a kubeconfig, and none was found (running in a cluster)',
      {hint: 'pass --kubeconfig, or drop those flags'},
    )
  }
  const token = readFileSync(tokenFile, 'utf8').trim()
  const secrets = options.secrets ?? new Secrets()
  secrets.add(token)
  const namespaceFile = join(dir, 'namespace')
  const namespace =
    options.namespace || (existsSync(namespaceFile) ? readFileSync(namespaceFile, 'utf8').trim() : '') || 'default'
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`
  return {
    server,
    cluster: {server, 'certificate-authority': join(dir, 'ca.crt')},
    user: {token},
    contextName: 'in-cluster',
    clusterName: 'in-cluster',
    userName: 'in-cluster',
    namespace,
    source: 'in-cluster',
    secrets,
    execCredentials: new Map(),
    clientNode: {},
  }
}
