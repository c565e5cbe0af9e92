/** A Kubernetes object as read from a file or the API server, before any validation. */
export interface KubeObject {
  apiVersion?: string
  kind?: string
  metadata?: {
    name?: string
    namespace?: string
    labels?: Record<string, string>
    annotations?: Record<string, string>
    creationTimestamp?: string
    uid?: string
    ownerReferences?: Array<{apiVersion?: string; kind?: string; name?: string; uid?: string; controller?: boolean}>
    [key: string]: unknown
  }
  spec?: any
  status?: any
  data?: Record<string, string>
  [key: string]: unknown
}

export function objectRef(object: KubeObject): string {
  const namespace = object.metadata?.namespace
  const name = object.metadata?.name ?? '<unnamed>'
  return namespace ? `${namespace}/${name}` : name
}
