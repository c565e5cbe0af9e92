import assert from 'node:assert/strict'
import {test} from 'node:test'

import {infeasibleInWords} from '../../../src/core/simulate/infeasible.js'

const below = 'ind=-1, err=target is below the bounded region'

const profile = {
  decodeParms: {alpha: '7.470', beta: '0.044'},
  prefillParms: {gamma: '15.415', delta: '0.000337'},
  avgInputTokens: 512.3,
}

test('a target below what one request reaches: which target, the batch-1 latency, and what to change', () => {
  assert.equal(
    infeasibleInWords(`failed to calculate lambdaStarITL, targetITL=5, range=[0.001, 67.539], ${below}`, profile),
    'the ITL target 5 ms is below the 7.5 ms this profile needs at batch 1 (decode alpha + beta); raise --slo-itl ' +
      'or use a faster accelerator',
  )
  assert.equal(
    infeasibleInWords(`failed to calculate lambdaStarTTFT, targetTTFT=10, range=[0.001, 67.539], ${below}`, profile),
    'the TTFT target 10 ms is below the 15.6 ms this profile needs at batch 1 (prefill gamma + delta x input ' +
      'tokens); raise --slo-ttft or use a faster accelerator',
  )
})

test('a loose target on a flat curve (WVA rejects it too) is not called too tight', () => {
  const text = infeasibleInWords(
    `failed to calculate lambdaStarITL, targetITL=200, range=[0.001, 67.539], ${below}`,
    profile,
  )
  assert.match(
    text ?? '',
    /^the ITL target 200 ms is above the 7\.5 ms this profile needs at batch 1, but its ITL barely/,
  )
  assert.match(text ?? '', /set --slo-itl to 0 \(not constrained\)$/)
})

test('causes we do not know, and profiles without numbers', () => {
  assert.equal(infeasibleInWords('transition penalty not below the largest float32', profile), undefined)
  assert.equal(
    infeasibleInWords(
      'failed to calculate lambdaStarITL, targetITL=5, ind=-1, err=target is below the bounded region',
      {
        ...profile,
        decodeParms: {},
      },
    ),
    'the ITL target 5 ms cannot be met by this profile; raise --slo-itl',
  )
})
