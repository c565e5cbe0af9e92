import type {KubeObject} from '../model/kube-object.js'

/** One Event about a VA, its target Deployment or its scaler, as describe shows it (kubectl describe's Events). */
export interface DescribeEvent {
  type: string
  reason: string
  /** The object the event is about, `Kind/name`. */
  object: string
  /** RFC 3339: the last time it occurred (lastTimestamp, else eventTime, else firstTimestamp); null when none. */
  lastTime: string | null
  count: number
  /** The component that reported it (source.component, else reportingController). */
  from: string
  message: string
}

/** The events describe lists for a VA: at most this many, the most recent last (as kubectl describe orders them). */
export const describedEventCount = 10

const scalerKinds = new Set(['HorizontalPodAutoscaler', 'ScaledObject'])

/**
 * The events of one namespace that concern a VA: about the VA itself, its target Deployment, or a scaler
 * (HorizontalPodAutoscaler, ScaledObject) named after either. Sorted by time, the last `describedEventCount`.
 */
export function eventsFor(
  events: readonly KubeObject[],
  report: {namespace: string; name: string; target: {kind: string; name: string}},
): DescribeEvent[] {
  const names = new Set([report.name, report.target.name])
  const concerns = (kind: string, name: string) =>
    (kind === 'VariantAutoscaling' && name === report.name) ||
    (kind === report.target.kind && name === report.target.name) ||
    (scalerKinds.has(kind) && names.has(name))
  return events
    .map((event) => ({event, involved: record(event.involvedObject)}))
    .filter(({event, involved}) => {
      const namespace = text(involved.namespace) || event.metadata?.namespace
      return namespace === report.namespace && concerns(text(involved.kind), text(involved.name))
    })
    .map(({event, involved}) => describeEvent(event, involved))
    .sort((a, b) => (a.lastTime ?? '').localeCompare(b.lastTime ?? ''))
    .slice(-describedEventCount)
}

function describeEvent(event: KubeObject, involved: Record<string, unknown>): DescribeEvent {
  const source = record(event.source)
  const time = text(event.lastTimestamp) || text(event.eventTime) || text(event.firstTimestamp)
  const count = typeof event.count === 'number' && event.count > 0 ? event.count : 1
  return {
    type: text(event.type) || 'Normal',
    reason: text(event.reason),
    object: `${text(involved.kind)}/${text(involved.name)}`,
    lastTime: time === '' ? null : time,
    count,
    from: text(source.component) || text(event.reportingController),
    message: text(event.message).trim(),
  }
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : ''
}
