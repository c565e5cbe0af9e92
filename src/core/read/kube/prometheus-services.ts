import type {ServiceRef} from '../prometheus/resolve-url.js'
import type {KubeReader} from './kube-client.js'

/**
 * Services that usually front Prometheus: OpenShift's thanos-querier, the Prometheus Operator's
 * prometheus-operated, and kube-prometheus-stack's Prometheus (label app=kube-prometheus-stack-prometheus).
 * Three GETs, made only when no URL was configured; any error (403, 404) just means "not found here".
 */
export async function findPrometheusServices(reader: KubeReader): Promise<ServiceRef[]> {
  const answers = await Promise.all([
    reader.get('/api/v1/namespaces/openshift-monitoring/services/thanos-querier').catch(() => undefined),
    reader.get('/api/v1/services', {fieldSelector: 'metadata.name=prometheus-operated'}).catch(() => undefined),
    reader.get('/api/v1/services', {labelSelector: 'app=kube-prometheus-stack-prometheus'}).catch(() => undefined),
  ])
  const services: ServiceRef[] = []
  for (const answer of answers) {
    if (answer?.kind !== 'ok') continue
    const objects: any[] = Array.isArray(answer.body?.items) ? answer.body.items : [answer.body]
    for (const object of objects) {
      if (typeof object?.metadata?.name !== 'string' || typeof object?.metadata?.namespace !== 'string') continue
      const ports = Array.isArray(object.spec?.ports) ? object.spec.ports.filter((port: any) => typeof port?.port === 'number') : []
      services.push({namespace: object.metadata.namespace, name: object.metadata.name, ports: ports.map((port: any) => ({name: port.name, port: port.port}))})
    }
  }
  return services
}
