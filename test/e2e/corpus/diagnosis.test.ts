import {corpusSuite, type CorpusCase} from '../../support/corpus.js'
import {startFakeApiServer} from '../../support/fake-api-server.js'
import {clusterFixture} from '../../support/kube-fixtures.js'

// Wrong diagnoses: what the tool says must follow from what it read, not from an optional field of a response.
corpusSuite('diagnosis corpus', async (t) => {
  const quickstart = clusterFixture('crd-a-v0.0.4', 'shape-a-v0.0.4', 'controller-v0.0.4')
  const withoutCrd = quickstart.filter((object) => object.kind !== 'CustomResourceDefinition' && object.kind !== 'VariantAutoscaling')
  // Proxies and aggregators that strip the 404's `details`: a missing VA and a missing CRD differ only in the message.
  const [stripped, strippedNoCrd, strippedCrdForbidden] = await Promise.all([
    startFakeApiServer(t, quickstart, {stripStatusDetails: true}),
    startFakeApiServer(t, withoutCrd, {stripStatusDetails: true}),
    startFakeApiServer(t, quickstart, {stripStatusDetails: true, forbidden: ['customresourcedefinitions']}),
  ])
  const kube = (api: {writeKubeconfig(options?: {namespace?: string}): string}) => ({KUBECONFIG: api.writeKubeconfig({namespace: 'llm'})})
  const cases: CorpusCase[] = [
    {
      name: '404 without details: a missing VA is "not found", since the CRD was read (exit 3)',
      args: ['describe', 'nope', '-n', 'team-a', '--no-metrics'],
      env: kube(stripped),
      code: 3,
      stderr: /^error: namespace "team-a": variantautoscalings\.llmd\.ai "nope" not found; list them with "kubectl get va -n team-a"/m,
    },
    {
      name: '404 without details: get of a missing VA is "not found" too (exit 3)',
      args: ['get', 'nope', '-n', 'team-a', '--no-metrics'],
      env: kube(stripped),
      code: 3,
      stderr: /^error: namespace "team-a": variantautoscalings\.llmd\.ai "nope" not found; /m,
    },
    {
      name: '404 without details, CRD unreadable (403): discovery says the type is served, so the VA is missing (exit 3)',
      args: ['describe', 'nope', '-n', 'team-a', '--no-metrics'],
      env: kube(strippedCrdForbidden),
      code: 3,
      stderr: /^error: namespace "team-a": variantautoscalings\.llmd\.ai "nope" not found; /m,
    },
    {
      name: '404 without details and no CRD: the CRD is not installed (exit 4)',
      args: ['describe', 'nope', '-n', 'team-a', '--no-metrics'],
      env: kube(strippedNoCrd),
      code: 4,
      stderr: /the VariantAutoscaling CRD is not installed on https:\/\/127\.0\.0\.1:\d+; is WVA installed\?/,
    },
  ]
  return cases
})
