import assert from 'node:assert/strict'
import {test} from 'node:test'

import {mapReadingsToReplicas, type PodReading} from '../../../src/core/model/saturation-readings.js'

const reading = (name: string, kvCacheUsage: number, queueLength: number): PodReading => ({
  name,
  kvCacheUsage,
  queueLength,
})
const sum = (readings: readonly PodReading[], field: 'kvCacheUsage' | 'queueLength') =>
  readings.reduce((total, r) => total + r[field], 0)
const two = [reading('p-a', 0.9, 4), reading('p-b', 0.5, 2)]

test('the same number of replicas as reporting pods passes the readings through untouched', () => {
  for (const model of ['spread-load', 'as-observed'] as const)
    assert.deepEqual(mapReadingsToReplicas(two, 2, model, 'd-'), two)
})

test('no replicas or no readings give no pods', () => {
  assert.deepEqual(mapReadingsToReplicas(two, 0, 'spread-load', 'd-'), [])
  assert.deepEqual(mapReadingsToReplicas([], 3, 'spread-load', 'd-'), [])
})

test('spread-load over twice the replicas halves every pod', () => {
  assert.deepEqual(mapReadingsToReplicas(two, 4, 'spread-load', 'd-'), [
    reading('d-sim-0', 0.45, 2),
    reading('d-sim-1', 0.45, 2),
    reading('d-sim-2', 0.25, 1),
    reading('d-sim-3', 0.25, 1),
  ])
})

test('spread-load onto fewer replicas merges neighbours and conserves the totals', () => {
  assert.deepEqual(mapReadingsToReplicas(two, 1, 'spread-load', 'd-'), [reading('d-sim-0', 0.9 + 0.5, 6)])
  const three = mapReadingsToReplicas(two, 3, 'spread-load', 'd-')
  assert.equal(three.length, 3)
  assert.ok(Math.abs(sum(three, 'kvCacheUsage') - 1.4) < 1e-12)
  assert.ok(Math.abs(sum(three, 'queueLength') - 6) < 1e-12)
  // The middle replica takes a third of each pod.
  assert.ok(Math.abs(three[1]!.kvCacheUsage - (0.9 + 0.5) / 3) < 1e-12)
})

test('as-observed repeats or thins out the readings without changing them', () => {
  assert.deepEqual(
    mapReadingsToReplicas(two, 3, 'as-observed', 'd-').map((r) => [r.name, r.kvCacheUsage, r.queueLength]),
    [
      ['d-sim-0', 0.9, 4],
      ['d-sim-1', 0.9, 4],
      ['d-sim-2', 0.5, 2],
    ],
  )
  assert.deepEqual(mapReadingsToReplicas(two, 1, 'as-observed', 'd-'), [reading('d-sim-0', 0.9, 4)])
})
