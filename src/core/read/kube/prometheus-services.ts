import {PrometheusError} from '../../errors.js'
import type {ServiceRef} from '../prometheus/resolve-url.js'
import type {KubeReader} from './kube-client.js'

/**
 * Services that usually front Prometheus: OpenShift's thanos-querier, the Prometheus Operator's
 * prometheus-operated, and kube-prometheus-stack's Prometheus (label app=kube-prometheus-stack-prometheus).
 * Three GETs, made only when no URL was configured. An error answer (403, 404) just means "not found here"; a
 * GET that fails (timeout, unreachable, rejected credentials) is not an answer: when no Service was found, the
 * lookup fails with that cause instead of reporting that there is no Service.
 */
export async function findPrometheusServices(reader: KubeReader): Promise<ServiceRef[]> {
  const failures: unknown[] = []
  const probe = (...args: Parameters<KubeReader['get']>) =>
    reader.get(...args).catch((error: unknown) => {
      failures.push(error)
      return undefined
    })
  const answers = await Promise.all([
    probe('/api/v1/namespaces/openshift-monitoring/services/thanos-querier'),
    probe('/api/v1/services', {fieldSelector: 'metadata.name=prometheus-operated'}),
    probe('/api/v1/services', {labelSelector: 'app=kube-prometheus-stack-prometheus'}),
  ])
  const services: ServiceRef[] = []
  for (const answer of answers) {
    if (answer?.kind !== 'ok') continue
    const objects: any[] = Array.isArray(answer.body?.items) ? answer.body.items : [answer.body]
    for (const object of objects) {
      if (typeof object?.metadata?.name !== 'string' || typeof object?.metadata?.namespace !== 'string') continue
      const ports = Array.isArray(object.spec?.ports)
        ? object.spec.ports.filter((port: any) => typeof port?.port === 'number')
        : []
      services.push({
        namespace: object.metadata.namespace,
        name: object.metadata.name,
        ports: ports.map((port: any) => ({name: port.name, port: port.port})),
      })
    }
  }
  if (services.length === 0 && failures.length > 0) {
    const cause = failures[0]
    const reason = cause instanceof Error ? cause.message : String(cause)
    throw new PrometheusError(`no Prometheus URL found: the lookup of Prometheus Services failed: ${reason}`, {
      hint: 'pass --prom-url (or --no-metrics to skip live metrics)',
      cause,
    })
  }
  return services
}
