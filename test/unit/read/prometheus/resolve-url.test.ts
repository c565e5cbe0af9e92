import assert from 'node:assert/strict'
import {test} from 'node:test'

import {
  parseInClusterServiceUrl,
  resolvePrometheusUrl,
  serviceProxyUrl,
} from '../../../../src/core/read/prometheus/resolve-url.js'

const api = 'https://api.example.com:6443'
const configMap = {
  namespace: 'workload-variant-autoscaler-system',
  name: 'workload-variant-autoscaler-variantautoscaling-config',
  data: {
    PROMETHEUS_BASE_URL:
      'https://kube-prometheus-stack-prometheus.workload-variant-autoscaler-monitoring.svc.cluster.local:9090',
  },
}

test('the flag wins over the env, the env over the ConfigMap', () => {
  const env = {KUBECTL_VA_PROM_URL: 'http://from-env:9090'}
  assert.deepEqual(
    resolvePrometheusUrl({flag: 'http://flag:9090', env, controllerConfigMap: configMap, apiServerUrl: api}),
    {
      url: 'http://flag:9090',
      source: 'flag',
      description: 'flag --prom-url',
      viaApiServer: false,
    },
  )
  assert.equal(resolvePrometheusUrl({env, controllerConfigMap: configMap})?.source, 'env')
  assert.equal(
    resolvePrometheusUrl({flag: '  ', env: {KUBECTL_VA_PROM_URL: ''}, controllerConfigMap: configMap})?.source,
    'configmap',
  )
})

test('an in-cluster ConfigMap URL goes through the API server service proxy unless we run in the cluster', () => {
  assert.deepEqual(resolvePrometheusUrl({controllerConfigMap: configMap, apiServerUrl: `${api}/`}), {
    url:
      `${api}/api/v1/namespaces/workload-variant-autoscaler-monitoring` +
      '/services/https:kube-prometheus-stack-prometheus:9090/proxy/',
    source: 'configmap',
    description:
      'ConfigMap workload-variant-autoscaler-system/workload-variant-autoscaler-variantautoscaling-config ' +
      'PROMETHEUS_BASE_URL, through the API server service proxy',
    viaApiServer: true,
    inClusterUrl: configMap.data.PROMETHEUS_BASE_URL,
  })
  assert.equal(
    resolvePrometheusUrl({controllerConfigMap: configMap, apiServerUrl: api, inCluster: true})?.url,
    configMap.data.PROMETHEUS_BASE_URL,
  )
  const external = {...configMap, data: {PROMETHEUS_BASE_URL: 'https://prom.example.com/prometheus'}}
  assert.equal(
    resolvePrometheusUrl({controllerConfigMap: external, apiServerUrl: api})?.url,
    'https://prom.example.com/prometheus',
  )
})

test('well-known Services: thanos-querier (OpenShift), then prometheus-operated, then kube-prometheus-stack', () => {
  const services = [
    {
      namespace: 'monitoring',
      name: 'kps-kube-prometheus-prometheus',
      ports: [
        {name: 'http-web', port: 9090},
        {name: 'reloader-web', port: 8080},
      ],
    },
    {namespace: 'monitoring', name: 'prometheus-operated', ports: [{name: 'web', port: 9090}]},
    {
      namespace: 'openshift-monitoring',
      name: 'thanos-querier',
      ports: [
        {name: 'web', port: 9091},
        {name: 'tenancy', port: 9092},
      ],
    },
  ]
  const openshift = resolvePrometheusUrl({services, apiServerUrl: api})!
  assert.equal(openshift.url, `${api}/api/v1/namespaces/openshift-monitoring/services/https:thanos-querier:9091/proxy/`)
  assert.equal(
    openshift.description,
    'OpenShift thanos-querier Service openshift-monitoring/thanos-querier, through the API server service proxy',
  )
  assert.equal(
    resolvePrometheusUrl({services: services.slice(0, 2), inCluster: true})?.url,
    'http://prometheus-operated.monitoring.svc:9090',
  )
  assert.equal(
    resolvePrometheusUrl({services: services.slice(0, 1), apiServerUrl: api})?.url,
    `${api}/api/v1/namespaces/monitoring/services/http:kps-kube-prometheus-prometheus:9090/proxy/`,
  )
  assert.equal(resolvePrometheusUrl({services: [{namespace: 'x', name: 'grafana', ports: [{port: 80}]}]}), undefined)
  assert.equal(resolvePrometheusUrl({}), undefined)
})

test('in-cluster service URLs are recognised with or without cluster.local, port and path', () => {
  assert.deepEqual(parseInClusterServiceUrl('https://thanos-querier.openshift-monitoring.svc:9091'), {
    scheme: 'https',
    service: 'thanos-querier',
    namespace: 'openshift-monitoring',
    port: 9091,
    path: '',
  })
  assert.deepEqual(parseInClusterServiceUrl('http://prom.mon.svc.cluster.local/prometheus'), {
    scheme: 'http',
    service: 'prom',
    namespace: 'mon',
    port: 80,
    path: 'prometheus',
  })
  assert.equal(parseInClusterServiceUrl('https://prom.example.com'), undefined)
  assert.equal(
    serviceProxyUrl(api, {scheme: 'http', service: 'prom', namespace: 'mon', port: 80, path: 'prometheus'}),
    `${api}/api/v1/namespaces/mon/services/http:prom:80/proxy/prometheus/`,
  )
})
