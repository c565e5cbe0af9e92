import {createHash, randomBytes} from 'node:crypto'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:https'
import type {IncomingMessage, ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {TestContext} from 'node:test'

import type {KubeObject} from '../../src/core/model/kube-object.js'
import {matchesFields, matchesLabels, parseLabelSelector} from './kube-selectors.js'
import {builtinColumns, crdColumns, defaultColumns, type PrinterColumn, toTable} from './kube-tables.js'
import {testPki} from './tls.js'

/**
 * A read-only fake Kubernetes API server for tests: HTTPS on 127.0.0.1 with a CA generated at test time, bearer
 * token auth, the real REST paths (discovery, aggregated discovery, get and list, label and field selectors,
 * server-side Table printing), configurable 403/404 per resource, 405 for anything but GET. Real kubectl 1.32 works
 * against it (see test/integration/cluster/fake-api-server-kubectl.test.ts).
 */
export interface FakeApiServerOptions {
  /** The accepted bearer token; a random one when omitted. */
  token?: string
  /** Requests answered 403 Forbidden, by plural resource (any group) and optionally namespace and verb. */
  forbidden?: readonly ResourceRule[]
  /** Resources answered 404, as if their API were not installed (also left out of discovery). */
  notServed?: readonly string[]
  /** Serve aggregated discovery (apidiscovery.k8s.io/v2) when the client asks for it, as 1.30+ servers do. */
  aggregatedDiscovery?: boolean
  /** Delay before every response, to test request timeouts. */
  delayMs?: number
  /** Paths (URL path, no query) never answered: the request hangs until the client gives up or the server stops. */
  silentPaths?: readonly string[]
  /** The clock used for AGE columns. */
  now?: () => Date
  /**
   * Answer errors without the Status `details` (name, group, kind), as some proxies and aggregated API servers do:
   * a missing object and a missing resource type then differ only in the message.
   */
  stripStatusDetails?: boolean
}

export type ResourceRule = string | {resource: string; namespace?: string; verb?: 'get' | 'list'}

export interface RecordedRequest {
  method: string
  path: string
  query: Record<string, string>
  /** Request headers, without Authorization, Proxy-Authorization and Cookie. */
  headers: Record<string, string>
}

export interface KubeconfigFileOptions {
  /** Token to write; the server's own by default. */
  token?: string
  namespace?: string
  /** A PEM CA to trust instead of the server's (to provoke TLS failures). */
  caCertPem?: string
  /** Server URL to write instead of the fake server's own (e.g. a closed port). */
  server?: string
  contextName?: string
  /** Written file path; a fresh temporary file (removed after the test) by default. */
  path?: string
}

export interface FakeApiServer {
  readonly url: string
  readonly port: number
  readonly token: string
  readonly caCertPem: string
  /** Every request received, in order. */
  readonly requests: RecordedRequest[]
  /** The objects stored for a plural resource (after defaulting uid, resourceVersion and creationTimestamp). */
  stored(resource: string): KubeObject[]
  /**
   * Changes one stored object, as a controller would between two reads (watch tests); its resourceVersion goes up.
   * Not reachable over HTTP: the server stays read-only.
   */
  update(
    resource: string,
    namespace: string | undefined,
    name: string,
    change: (object: KubeObject) => KubeObject,
  ): void
  /** Writes a kubeconfig (cluster `fake`, user `fake-user`, context `fake`) and returns its path. */
  writeKubeconfig(options?: KubeconfigFileOptions): string
  close(): Promise<void>
}

interface ResourceType {
  group: string
  version: string
  resource: string
  singular: string
  kind: string
  namespaced: boolean
  shortNames: string[]
  categories: string[]
  printerColumns?: PrinterColumn[] | undefined
}

const builtinTypes: ResourceType[] = [
  {
    group: '',
    version: 'v1',
    resource: 'namespaces',
    singular: 'namespace',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
    categories: [],
  },
  {
    group: '',
    version: 'v1',
    resource: 'pods',
    singular: 'pod',
    kind: 'Pod',
    namespaced: true,
    shortNames: ['po'],
    categories: ['all'],
  },
  {
    group: '',
    version: 'v1',
    resource: 'events',
    singular: 'event',
    kind: 'Event',
    namespaced: true,
    shortNames: ['ev'],
    categories: [],
  },
  {
    group: '',
    version: 'v1',
    resource: 'configmaps',
    singular: 'configmap',
    kind: 'ConfigMap',
    namespaced: true,
    shortNames: ['cm'],
    categories: [],
  },
  {
    group: '',
    version: 'v1',
    resource: 'services',
    singular: 'service',
    kind: 'Service',
    namespaced: true,
    shortNames: ['svc'],
    categories: ['all'],
  },
  {
    group: '',
    version: 'v1',
    resource: 'nodes',
    singular: 'node',
    kind: 'Node',
    namespaced: false,
    shortNames: ['no'],
    categories: [],
  },
  {
    group: '',
    version: 'v1',
    resource: 'events',
    singular: 'event',
    kind: 'Event',
    namespaced: true,
    shortNames: ['ev'],
    categories: [],
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'deployments',
    singular: 'deployment',
    kind: 'Deployment',
    namespaced: true,
    shortNames: ['deploy'],
    categories: ['all'],
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'replicasets',
    singular: 'replicaset',
    kind: 'ReplicaSet',
    namespaced: true,
    shortNames: ['rs'],
    categories: ['all'],
  },
  {
    group: 'autoscaling',
    version: 'v2',
    resource: 'horizontalpodautoscalers',
    singular: 'horizontalpodautoscaler',
    kind: 'HorizontalPodAutoscaler',
    namespaced: true,
    shortNames: ['hpa'],
    categories: ['all'],
  },
  {
    group: 'apiextensions.k8s.io',
    version: 'v1',
    resource: 'customresourcedefinitions',
    singular: 'customresourcedefinition',
    kind: 'CustomResourceDefinition',
    namespaced: false,
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
  },
]

const readVerbs = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection']

export async function startFakeApiServer(
  t: TestContext,
  fixtureObjects: readonly KubeObject[],
  options: FakeApiServerOptions = {},
): Promise<FakeApiServer> {
  const pki = testPki()
  const token = options.token ?? `fake-token-${randomBytes(12).toString('hex')}`
  const now = options.now ?? (() => new Date())
  const notServed = new Set(options.notServed ?? [])
  const allTypes = [
    ...builtinTypes,
    ...fixtureObjects.filter((object) => object.kind === 'CustomResourceDefinition').flatMap(typesOfCrd),
  ]
  const types = allTypes.filter((type) => !notServed.has(type.resource))
  const store = new Map<ResourceType, KubeObject[]>(types.map((type) => [type, []]))
  fixtureObjects.forEach((object, index) => {
    const typeOf = (candidate: ResourceType) =>
      apiVersionOf(candidate) === object.apiVersion && candidate.kind === object.kind
    const type = types.find(typeOf)
    if (type) store.get(type)!.push(defaulted(object, type, index))
    else if (!allTypes.some(typeOf))
      throw new Error(
        `fake API server: no resource serves ${object.apiVersion} ${object.kind} (fixture object ${index}); ` +
          `add its CRD`,
      )
  })
  const namespaceType = types.find((type) => type.resource === 'namespaces')!
  for (const namespace of new Set(
    [...store.values()]
      .flat()
      .map((object) => object.metadata?.namespace)
      .filter((ns): ns is string => ns !== undefined),
  )) {
    const namespaces = store.get(namespaceType)!
    if (!namespaces.some((object) => object.metadata?.name === namespace))
      namespaces.push(
        defaulted(
          {apiVersion: 'v1', kind: 'Namespace', metadata: {name: namespace}, status: {phase: 'Active'}},
          namespaceType,
          namespaces.length,
        ),
      )
  }
  // etcd returns lists in key order: namespace, then name.
  const key = (object: KubeObject) => `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`
  for (const objects of store.values()) objects.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))

  const requests: RecordedRequest[] = []
  const tempDirs: string[] = []

  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    const url = new URL(request.url ?? '/', 'https://127.0.0.1')
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(request.headers)) {
      if (['authorization', 'proxy-authorization', 'cookie'].includes(name)) continue
      headers[name] = Array.isArray(value) ? value.join(', ') : String(value ?? '')
    }
    requests.push({
      method: request.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
    })
    if (options.silentPaths?.includes(url.pathname)) return
    const send = (code: number, body: unknown, contentType = 'application/json'): void => {
      if (options.stripStatusDetails && isStatus(body)) delete body.details
      const reply = () => {
        response.writeHead(code, {'Content-Type': contentType, 'Cache-Control': 'no-cache, private'})
        response.end(JSON.stringify(body))
      }
      if (options.delayMs) setTimeout(reply, options.delayMs)
      else reply()
    }
    if (request.headers.authorization !== `Bearer ${token}`) {
      send(401, status(401, 'Unauthorized', 'Unauthorized'))
      return
    }
    if (request.method !== 'GET') {
      const message =
        'the server does not allow this method on the requested resource ' +
        `(${request.method} ${url.pathname}); the fake API server is read-only`
      send(405, status(405, 'MethodNotAllowed', message))
      return
    }
    try {
      const [code, body, contentType] = route(url, String(request.headers.accept ?? ''))
      send(code, body, contentType)
    } catch (error) {
      send(500, status(500, 'InternalError', error instanceof Error ? error.message : String(error)))
    }
  }

  const route = (url: URL, accept: string): [number, unknown, string?] => {
    const segments = url.pathname.split('/').filter((segment) => segment !== '')
    if (url.pathname === '/version') {
      return [
        200,
        {
          major: '1',
          minor: '32',
          gitVersion: 'v1.32.4',
          gitCommit: 'fake',
          gitTreeState: 'clean',
          buildDate: '2025-04-22T00:00:00Z',
          goVersion: 'go1.23.8',
          compiler: 'gc',
          platform: 'linux/amd64',
        },
      ]
    }
    const wantsAggregated =
      (options.aggregatedDiscovery ?? true) && /as=APIGroupDiscoveryList/.test(accept) && /v=v2(?![\w])/.test(accept)
    if (url.pathname === '/api') {
      if (wantsAggregated)
        return [200, aggregatedDiscovery(types.filter((type) => type.group === '')), aggregatedContentType]
      return [
        200,
        {
          kind: 'APIVersions',
          versions: ['v1'],
          serverAddressByClientCIDRs: [{clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:443'}],
        },
      ]
    }
    if (url.pathname === '/apis') {
      if (wantsAggregated)
        return [200, aggregatedDiscovery(types.filter((type) => type.group !== '')), aggregatedContentType]
      return [
        200,
        {
          kind: 'APIGroupList',
          apiVersion: 'v1',
          groups: groupNames(types)
            .filter((group) => group !== '')
            .map((group) => apiGroup(types, group)),
        },
      ]
    }
    let rest: string[]
    let group: string
    let version: string
    if (segments[0] === 'api' && segments[1] === 'v1') {
      group = ''
      version = 'v1'
      rest = segments.slice(2)
    } else if (segments[0] === 'apis' && segments.length >= 2) {
      group = segments[1]!
      if (segments.length === 2) {
        return groupNames(types).includes(group)
          ? [200, {kind: 'APIGroup', apiVersion: 'v1', ...(apiGroup(types, group) as object)}]
          : [404, notFoundPath()]
      }
      version = segments[2]!
      rest = segments.slice(3)
    } else return [404, notFoundPath()]
    const versionTypes = types.filter((type) => type.group === group && type.version === version)
    if (versionTypes.length === 0) return [404, notFoundPath()]
    if (rest.length === 0) {
      return [
        200,
        {
          kind: 'APIResourceList',
          apiVersion: 'v1',
          groupVersion: group ? `${group}/${version}` : version,
          resources: versionTypes.map(legacyResource),
        },
      ]
    }

    let namespace: string | undefined
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1]
      rest = rest.slice(2)
    }
    const [resource, name, subresource, ...extra] = rest
    const type = versionTypes.find((candidate) => candidate.resource === resource)
    if (
      !type ||
      extra.length > 0 ||
      (subresource !== undefined && subresource !== 'status') ||
      (namespace !== undefined && !type.namespaced)
    )
      return [404, notFoundPath()]
    if (!type.namespaced && namespace !== undefined) return [404, notFoundPath()]
    const verb = name === undefined ? 'list' : 'get'
    const denied = (options.forbidden ?? []).some((rule) => {
      const normalized = typeof rule === 'string' ? {resource: rule} : rule
      return (
        normalized.resource === type.resource &&
        (normalized.namespace === undefined || normalized.namespace === namespace) &&
        (normalized.verb === undefined || normalized.verb === verb)
      )
    })
    if (denied) {
      const scope = namespace === undefined ? 'at the cluster scope' : `in the namespace "${namespace}"`
      const what = name === undefined ? `resource "${type.resource}"` : `resource "${type.resource}"`
      return [
        403,
        status(
          403,
          'Forbidden',
          `${qualified(type)}${name ? ` "${name}"` : ''} is forbidden: User ` +
            `"system:serviceaccount:test:reader" cannot ${verb} ${what} in API group "${type.group}" ${scope}`,
          {name, group: type.group, kind: type.resource},
        ),
      ]
    }
    const objects = store.get(type)!
    const asTable = /as=Table/.test(accept)
    const columns =
      builtinColumns[type.resource] ?? (type.printerColumns ? crdColumns(type.printerColumns) : defaultColumns)
    if (name !== undefined) {
      const found = objects.find(
        (object) => object.metadata?.name === name && (!type.namespaced || object.metadata?.namespace === namespace),
      )
      if (!found)
        return [
          404,
          status(404, 'NotFound', `${qualified(type)} "${name}" not found`, {
            name,
            group: type.group,
            kind: type.resource,
          }),
        ]
      return [200, asTable ? toTable([found], columns, now(), found.metadata?.resourceVersion as string) : found]
    }
    let selected = objects.filter((object) => namespace === undefined || object.metadata?.namespace === namespace)
    const labelSelector = url.searchParams.get('labelSelector')
    const fieldSelector = url.searchParams.get('fieldSelector')
    try {
      if (labelSelector) {
        const requirements = parseLabelSelector(labelSelector)
        selected = selected.filter((object) => matchesLabels(requirements, object.metadata?.labels))
      }
      if (fieldSelector) selected = selected.filter((object) => matchesFields(fieldSelector, object))
    } catch (error) {
      return [400, status(400, 'BadRequest', error instanceof Error ? error.message : String(error))]
    }
    const listResourceVersion = String(1000 + objects.length)
    // Chunking as the real server does it for kubectl's ?limit=500: an opaque continue token, here the offset.
    const offset = Number(Buffer.from(url.searchParams.get('continue') ?? '', 'base64url').toString() || '0')
    const limit = Number(url.searchParams.get('limit') ?? '0')
    const listMetadata: Record<string, unknown> = {resourceVersion: listResourceVersion}
    if (offset > 0) selected = selected.slice(offset)
    if (limit > 0 && selected.length > limit) {
      listMetadata.continue = Buffer.from(String(offset + limit)).toString('base64url')
      listMetadata.remainingItemCount = selected.length - limit
      selected = selected.slice(0, limit)
    }
    if (asTable) {
      const table = toTable(selected, columns, now(), listResourceVersion) as {metadata: Record<string, unknown>}
      table.metadata = listMetadata
      return [200, table]
    }
    return [200, {kind: `${type.kind}List`, apiVersion: apiVersionOf(type), metadata: listMetadata, items: selected}]
  }

  const server: Server = createServer({cert: pki.serverCertPem, key: pki.serverKeyPem}, handle)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  const url = `https://127.0.0.1:${port}`
  let closed = false
  const close = async (): Promise<void> => {
    if (closed) return
    closed = true
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
    for (const dir of tempDirs) rmSync(dir, {recursive: true, force: true})
  }
  t.after(close)

  return {
    url,
    port,
    token,
    caCertPem: pki.caCertPem,
    requests,
    stored: (resource) =>
      structuredClone(
        [...store.entries()].filter(([type]) => type.resource === resource).flatMap(([, objects]) => objects),
      ),
    update: (resource, namespace, name, change) => {
      const objects = [...store.entries()].find(([type]) => type.resource === resource)?.[1] ?? []
      const index = objects.findIndex((o) => o.metadata?.name === name && o.metadata?.namespace === namespace)
      if (index === -1) throw new Error(`fake API server: no ${resource} ${namespace ?? ''}/${name} to update`)
      const changed = change(structuredClone(objects[index]!))
      const version = Number(objects[index]!.metadata?.resourceVersion ?? 0) + 1000
      objects[index] = {...changed, metadata: {...changed.metadata, resourceVersion: String(version)}}
    },
    writeKubeconfig: (fileOptions = {}) => {
      let path = fileOptions.path
      if (path === undefined) {
        const dir = mkdtempSync(join(tmpdir(), 'kva-kubeconfig-'))
        tempDirs.push(dir)
        path = join(dir, 'config')
      }
      writeFileSync(
        path,
        kubeconfigYaml(
          fileOptions.server ?? url,
          fileOptions.caCertPem ?? pki.caCertPem,
          fileOptions.token ?? token,
          fileOptions.namespace,
          fileOptions.contextName ?? 'fake',
        ),
        {mode: 0o600},
      )
      return path
    },
    close,
  }
}

/** A kubeconfig document as kubectl writes it (JSON is valid YAML; quoting stays trivial). */
export function kubeconfigYaml(
  server: string,
  caCertPem: string,
  token: string,
  namespace: string | undefined,
  contextName = 'fake',
): string {
  return `${JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {name: 'fake', cluster: {server, 'certificate-authority-data': Buffer.from(caCertPem).toString('base64')}},
      ],
      users: [{name: 'fake-user', user: {token}}],
      contexts: [{name: contextName, context: {cluster: 'fake', user: 'fake-user', ...(namespace ? {namespace} : {})}}],
      'current-context': contextName,
      preferences: {},
    },
    null,
    2,
  )}\n`
}

const aggregatedContentType = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList'

function aggregatedDiscovery(types: readonly ResourceType[]): unknown {
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: groupNames(types).map((group) => ({
      metadata: group === '' ? {} : {name: group},
      versions: [...new Set(types.filter((type) => type.group === group).map((type) => type.version))].map(
        (version) => ({
          version,
          resources: types
            .filter((type) => type.group === group && type.version === version)
            .map((type) => ({
              resource: type.resource,
              responseKind: {group: type.group, version: type.version, kind: type.kind},
              scope: type.namespaced ? 'Namespaced' : 'Cluster',
              singularResource: type.singular,
              verbs: readVerbs,
              ...(type.shortNames.length > 0 ? {shortNames: type.shortNames} : {}),
              ...(type.categories.length > 0 ? {categories: type.categories} : {}),
            })),
          freshness: 'Current',
        }),
      ),
    })),
  }
}

function groupNames(types: readonly ResourceType[]): string[] {
  return [...new Set(types.map((type) => type.group))]
}

function apiGroup(types: readonly ResourceType[], group: string): unknown {
  const versions = [...new Set(types.filter((type) => type.group === group).map((type) => type.version))].map(
    (version) => ({groupVersion: `${group}/${version}`, version}),
  )
  return {name: group, versions, preferredVersion: versions[0]}
}

function legacyResource(type: ResourceType): unknown {
  return {
    name: type.resource,
    singularName: type.singular,
    namespaced: type.namespaced,
    kind: type.kind,
    verbs: readVerbs,
    ...(type.shortNames.length > 0 ? {shortNames: type.shortNames} : {}),
    ...(type.categories.length > 0 ? {categories: type.categories} : {}),
  }
}

function typesOfCrd(crd: KubeObject): ResourceType[] {
  const spec: any = crd.spec ?? {}
  return (spec.versions ?? [])
    .filter((version: any) => version.served !== false)
    .map((version: any) => ({
      group: spec.group,
      version: version.name,
      resource: spec.names?.plural,
      singular: spec.names?.singular ?? String(spec.names?.kind ?? '').toLowerCase(),
      kind: spec.names?.kind,
      namespaced: spec.scope !== 'Cluster',
      shortNames: spec.names?.shortNames ?? [],
      categories: spec.names?.categories ?? [],
      printerColumns: version.additionalPrinterColumns,
    }))
}

function apiVersionOf(type: ResourceType): string {
  return type.group ? `${type.group}/${type.version}` : type.version
}

function qualified(type: ResourceType): string {
  return type.group ? `${type.resource}.${type.group}` : type.resource
}

/** What the API server fills in on create: uid, resourceVersion, creationTimestamp, and the namespace. */
function defaulted(object: KubeObject, type: ResourceType, index: number): KubeObject {
  const copy = structuredClone(object)
  copy.metadata ??= {}
  if (type.namespaced) copy.metadata.namespace ??= 'default'
  const key = `${type.resource}/${copy.metadata.namespace ?? ''}/${copy.metadata.name ?? index}`
  const hash = createHash('sha256').update(key).digest('hex')
  copy.metadata.uid ??= [
    hash.slice(0, 8),
    hash.slice(8, 12),
    hash.slice(12, 16),
    hash.slice(16, 20),
    hash.slice(20, 32),
  ].join('-')
  copy.metadata.resourceVersion ??= String(100 + index)
  copy.metadata.creationTimestamp ??= '2025-11-20T10:00:00Z'
  return copy
}

function status(
  code: number,
  reason: string,
  message: string,
  details?: {name?: string | undefined; group?: string; kind?: string},
): unknown {
  const body: Record<string, unknown> = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  }
  if (details)
    body.details = Object.fromEntries(
      Object.entries(details).filter(([, value]) => value !== undefined && value !== ''),
    )
  return body
}

function isStatus(body: unknown): body is Record<string, unknown> {
  return typeof body === 'object' && body !== null && (body as {kind?: unknown}).kind === 'Status'
}

function notFoundPath(): unknown {
  return status(404, 'NotFound', 'the server could not find the requested resource', {})
}
