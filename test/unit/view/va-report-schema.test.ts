import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {test} from 'node:test'

import Ajv2020 from 'ajv/dist/2020.js'

import {parseClusterState} from '../../../src/core/model/cluster-state.js'
import {readManifests} from '../../../src/core/read/manifests/read-manifests.js'
import {serialize} from '../../../src/core/render/serialize.js'
import {inspectAll} from '../../../src/core/view/inspect.js'
import {reasonCodes} from '../../../src/core/view/va-report.js'
import {fixturePath, repoRoot} from '../../support/paths.js'

// get -o json serialises the VaReportList as is (cli/output.ts): the documented schema must accept it.
const schemaOf = (name: string) => JSON.parse(readFileSync(join(repoRoot, 'docs', 'schema', name), 'utf8'))
const reportSchema = schemaOf('va-report-list.schema.json')
const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({allErrors: true, strict: false})
ajv.addSchema(schemaOf('simulation-result.schema.json'))
const validate = ajv.compile(reportSchema)

// The commands add the run's context (cli/run-context.ts); offline it is null.
const listOf = async (file: string, whatIf = {}) => {
  const list = inspectAll(parseClusterState((await readManifests([file])).sources), {whatIf})
  return JSON.parse(serialize({...list, evaluationTime: null, prometheus: null}, 'json'))
}

test('get -o json of the queueing and saturation examples matches docs/schema/va-report-list.schema.json', async () => {
  const lists = [
    await listOf(`${repoRoot}/examples/quickstart.yaml`),
    await listOf(`${repoRoot}/examples/quickstart.yaml`, {arrivalRateRpm: 0}),
    await listOf(fixturePath('manifests', 'saturation', 'v0.5-two-variants.yaml')),
  ]
  for (const list of lists) assert.ok(validate(list), JSON.stringify(validate.errors))
  assert.deepEqual(
    lists.map((list) => list.items.map((item: {reason: string}) => item.reason)),
    [
      ['sized-ttft', 'sized-itl'],
      ['zero-load', 'zero-load'],
      ['saturation-no-change', 'saturation-scale-up'],
    ],
  )
  // The schema holds: an unknown code or a missing field is refused.
  const [first] = lists
  assert.equal(validate({...first, items: [{...first.items[0], reason: 'because'}]}), false)
  const {reason: _reason, ...withoutReason} = first.items[0]
  assert.equal(validate({...first, items: [withoutReason]}), false)
})

test('the schema lists exactly the reason codes of the code', () => {
  assert.deepEqual(reportSchema.$defs.report.properties.reason.enum, [...reasonCodes])
})

test('get -o json of the WVA v0.6 and v0.9 examples matches the schema, with the wva-* reason codes', async () => {
  const lists = [
    await listOf(`${repoRoot}/examples/wva-v0.6/llama-8b.yaml`),
    await listOf(`${repoRoot}/examples/wva-v0.9/llama-8b.yaml`),
  ]
  for (const list of lists) assert.ok(validate(list), JSON.stringify(validate.errors))
  assert.deepEqual(
    lists.map((list) =>
      list.items.map((item: {reason: string; variant: {kind: string}}) => [item.reason, item.variant.kind]),
    ),
    [
      [
        ['wva-scale-up', 'VariantAutoscaling'],
        ['wva-scale-up', 'VariantAutoscaling'],
      ],
      [
        ['wva-no-change', 'ScaledObject'],
        ['wva-scale-down', 'HorizontalPodAutoscaler'],
      ],
    ],
  )
})
