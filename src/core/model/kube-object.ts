import {isRecord, typeName} from './field-problems.js'

/** A Kubernetes object as read from a file or the API server, before any validation. */
export interface KubeObject {
  apiVersion?: string
  kind?: string
  metadata?: {
    name?: string | undefined
    namespace?: string | undefined
    labels?: Record<string, string> | undefined
    annotations?: Record<string, string> | undefined
    creationTimestamp?: string | undefined
    uid?: string | undefined
    ownerReferences?: Array<{apiVersion?: string; kind?: string; name?: string; uid?: string; controller?: boolean}>
    [key: string]: unknown
  }
  spec?: unknown
  status?: unknown
  data?: Record<string, string>
  [key: string]: unknown
}

/** `value[key]` when `value` is a record (an object, not a list); undefined otherwise. */
export function field(value: unknown, key: string): unknown {
  return isRecord(value) ? value[key] : undefined
}

/** `value` when it is a record, else an empty one: for spreading a raw field that may be absent. */
export function recordOr(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {}
}

/** The containers of a Deployment's pod template (`spec.template.spec.containers`); [] when absent or not a list. */
export function podTemplateContainers(deployment: KubeObject | undefined): RawContainer[] {
  const containers = field(field(field(deployment?.spec, 'template'), 'spec'), 'containers')
  return Array.isArray(containers) ? containers : []
}

/** A container of a Deployment's pod template as read, unvalidated: the fields the controller readers look at. */
export interface RawContainer {
  name?: unknown
  image?: unknown
  env?: Array<RawEnvVar | null | undefined>
  command?: unknown[]
  args?: unknown[]
}

/** One `env` entry of a RawContainer, unvalidated. */
export interface RawEnvVar {
  name?: unknown
  value?: unknown
  valueFrom?: {configMapKeyRef?: {name?: unknown; key?: unknown}; fieldRef?: {fieldPath?: unknown}}
}

export function objectRef(object: KubeObject): string {
  const namespace = object.metadata?.namespace
  const name = object.metadata?.name ?? '<unnamed>'
  return namespace ? `${namespace}/${name}` : name
}

/** Largest int32: Kubernetes stores replicas (and the CRDs' min/max replicas) as int32. */
export const MAX_INT32 = 2 ** 31 - 1

/** Why an object cannot be used, and how to fix it: printed as `error: <object>: <message>; <hint>`. */
export interface ObjectProblem {
  message: string
  hint: string
}

/**
 * Checks the metadata every object needs before anything keys on it (sorting, lookups, messages): a map, with string
 * name and namespace and string-valued labels and annotations, as the API server would insist. A problem makes the
 * whole object unusable; it is reported for that object alone.
 */
export function objectMetaProblem(object: KubeObject): ObjectProblem | undefined {
  const metadata: unknown = object.metadata
  if (metadata === undefined || metadata === null) return undefined
  if (!isRecord(metadata))
    return {
      message: `metadata must be a map, got ${typeName(metadata)}`,
      hint: 'write metadata: {name: ..., namespace: ...}',
    }
  for (const field of ['name', 'namespace'] as const) {
    const value = metadata[field]
    if (value !== undefined && value !== null && typeof value !== 'string') {
      return {
        message: `metadata.${field} must be a string, got ${typeName(value)} ${shortJson(value)}`,
        hint: 'quote it',
      }
    }
  }
  for (const field of ['labels', 'annotations'] as const) {
    const value = metadata[field]
    if (value === undefined || value === null) continue
    if (!isRecord(value))
      return {
        message: `metadata.${field} must be a map of strings, got ${typeName(value)}`,
        hint: `write ${field} as key: "value" lines`,
      }
    for (const [key, entry] of Object.entries(value)) {
      if (typeof entry !== 'string')
        return {
          message: `metadata.${field}.${key} must be a string, got ${typeName(entry)} ${shortJson(entry)}`,
          hint: 'quote it',
        }
    }
  }
  return undefined
}

/**
 * Checks `spec.replicas` of a Deployment as the API server would: an integer from 0 to 2^31−1, or absent (then 1).
 * A string such as "2" is refused there (kubectl apply fails), so it is refused here rather than read as 1.
 */
export function deploymentProblem(object: KubeObject): ObjectProblem | undefined {
  const spec: unknown = object.spec
  if (spec === undefined || spec === null) return undefined
  if (!isRecord(spec))
    return {message: `spec must be a map, got ${typeName(spec)}`, hint: 'write spec: {replicas: ...}'}
  const replicas = spec.replicas
  if (replicas === undefined || replicas === null) return undefined
  if (typeof replicas !== 'number' || !Number.isInteger(replicas)) {
    return {
      message: `spec.replicas must be an integer, got ${typeName(replicas)} ${shortJson(replicas)}`,
      hint: 'write it without quotes, e.g. replicas: 2',
    }
  }
  if (replicas < 0 || replicas > MAX_INT32)
    return {message: `spec.replicas must be between 0 and ${MAX_INT32}, got ${replicas}`, hint: 'fix the value'}
  return undefined
}

/** An object of a list that could not be used, named by the list and its index. */
export interface ListItemProblem extends ObjectProblem {
  source: string
}

/**
 * Where list responses become objects: items that are maps with usable metadata are kept; anything else (null, a
 * string, a number as name) is reported by index and dropped, so that one broken item never hides the others.
 */
export function listObjects(items: unknown, resource: string): {objects: KubeObject[]; problems: ListItemProblem[]} {
  const objects: KubeObject[] = []
  const problems: ListItemProblem[] = []
  // No items at all is an empty list (the API server omits an empty one); anything else but an array is broken.
  if (items === undefined || items === null) return {objects, problems}
  if (!Array.isArray(items)) {
    problems.push({
      source: `${resource} list`,
      message: `items is ${typeName(items)}, not a list`,
      hint: 'the API server or a proxy returned a broken list: retry, or report it',
    })
    return {objects, problems}
  }
  items.forEach((item: unknown, index: number) => {
    const source = `${resource} items[${index}]`
    if (!isRecord(item)) {
      problems.push({
        source,
        message: `is ${typeName(item)}, not an object`,
        hint: 'the API server or a proxy returned a broken list: retry, or report it',
      })
      return
    }
    // List items carry no kind: the resource says what they are.
    const problem =
      objectMetaProblem(item as KubeObject) ??
      (resource === 'deployments' ? deploymentProblem(item as KubeObject) : undefined)
    if (problem !== undefined) problems.push({source, ...problem})
    else objects.push(item as KubeObject)
  })
  return {objects, problems}
}

function shortJson(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 40 ? `${text.slice(0, 37)}...` : text
}
