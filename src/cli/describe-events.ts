import type {VaReport} from '../core/view/va-report.js'
import type {DescribeEvent} from '../core/view/events.js'
import type {InputOptions} from './input-options.js'
import type {CommandInputs} from './load-inputs.js'

/**
 * describe's Events, live only: one GET of the Events of each VA namespace (the same connection settings as the
 * cluster read), filtered per VA to its own, its target Deployment's and its scaler's. A namespace whose Events
 * cannot be read gives a warning, not an error: the rest of describe stands.
 */
export async function readDescribeEvents(
  input: InputOptions,
  inputs: CommandInputs,
  reports: readonly VaReport[],
): Promise<{eventsOf: (report: VaReport) => DescribeEvent[] | null; warnings: string[]}> {
  if (inputs.mode !== 'cluster' || input.source.kind !== 'cluster' || reports.length === 0)
    return {eventsOf: () => null, warnings: []}
  const {loadKubeconfig} = await import('../core/read/kube/kubeconfig.js')
  const {createKubeReader} = await import('../core/read/kube/kube-client.js')
  const {listEvents} = await import('../core/read/kube/events.js')
  const {eventsFor} = await import('../core/view/events.js')
  const options = input.source.cluster
  const connection = await loadKubeconfig({...options.kubeconfig, secrets: inputs.secrets})
  const reader = await createKubeReader(connection, {requestTimeoutMs: options.requestTimeoutMs})
  const {events, warnings} = await listEvents(
    reader,
    reports.map((report) => report.namespace),
  )
  return {
    eventsOf: (report) => {
      const list = events.get(report.namespace)
      return list === undefined ? null : eventsFor(list, report)
    },
    warnings,
  }
}
