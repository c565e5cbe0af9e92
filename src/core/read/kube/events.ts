import type {KubeObject} from '../../model/kube-object.js'
import type {KubeReader} from './kube-client.js'

/** The Events of each namespace (GET /api/v1/namespaces/NS/events), or why they could not be read. */
export async function listEvents(
  reader: KubeReader,
  namespaces: readonly string[],
): Promise<{events: Map<string, KubeObject[]>; warnings: string[]}> {
  const events = new Map<string, KubeObject[]>()
  const warnings: string[] = []
  await Promise.all(
    [...new Set(namespaces)].map(async (namespace) => {
      const response = await reader.get(`/api/v1/namespaces/${namespace}/events`)
      if (response.kind === 'ok') {
        const items: unknown = response.body?.items
        events.set(namespace, Array.isArray(items) ? (items as KubeObject[]) : [])
        return
      }
      const why = response.code === 403 ? 'forbidden' : `HTTP ${response.code}`
      warnings.push(
        `events in namespace ${namespace}: ${why}, so describe shows none; ` +
          `grant "list events" in ${namespace} to see them`,
      )
    }),
  )
  return {events, warnings}
}
