import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {test} from 'node:test'

import {parseExpositionFamilies} from '../../support/openmetrics-parse.js'
import {fixturePath} from '../../support/paths.js'
import {renderVllmMetrics} from '../../support/vllm-emulator.js'
import {joinRegExp} from '../../support/regexp.js'

// Vendored from ../shared/fixtures/vllm-metrics (test/unit/golden-vendored.test.ts keeps the copy identical).
const fixtures = fixturePath('vllm-metrics')

function families(text: string) {
  return parseExpositionFamilies(text)
}

function vllmOnly<T>(map: Map<string, T>): Map<string, T> {
  return new Map([...map].filter(([name]) => name.startsWith('vllm:')))
}

const options = {modelName: 'Qwen/Qwen3-4B-Instruct-2507-FP8', requestsPerS: 3}

test('the 0.10 emulator uses the names, types and label names of the real vLLM 0.10 capture', () => {
  const real = families(readFileSync(join(fixtures, 'vllm-0.10-v1-ngc25.09-sample.prom'), 'utf8'))
  const emulated = vllmOnly(families(renderVllmMetrics({...options, version: '0.10'}, 0, 60_000)))
  assert.ok(emulated.size >= 20, `only ${emulated.size} families`)
  for (const [name, family] of emulated) {
    const captured = real.get(name)
    assert.ok(captured, `${name} is not in the capture`)
    assert.equal(family.type, captured.type, `${name} type`)
    // cache_config_info: we emit a subset of the config labels.
    if (name === 'vllm:cache_config_info')
      assert.ok(
        family.labelNames.every((l) => captured.labelNames.includes(l)),
        `${name} labels`,
      )
    else assert.deepEqual(family.labelNames, captured.labelNames, `${name} label names`)
    assert.deepEqual(family.sampleNames, captured.sampleNames, `${name} sample names`)
  }
})

test('0.12 emulator replaces TPOT by inter_token_latency with the same shape, drops gpu_cache_usage_perc', () => {
  const real = families(readFileSync(join(fixtures, 'vllm-0.10-v1-ngc25.09-sample.prom'), 'utf8'))
  const emulated = vllmOnly(families(renderVllmMetrics({...options, version: '0.12'}, 0, 60_000)))
  assert.equal(emulated.has('vllm:time_per_output_token_seconds'), false)
  assert.equal(emulated.has('vllm:gpu_cache_usage_perc'), false)
  const itl = emulated.get('vllm:inter_token_latency_seconds')!
  const tpot = real.get('vllm:time_per_output_token_seconds')!
  assert.equal(itl.type, tpot.type)
  assert.deepEqual(itl.labelNames, tpot.labelNames)
  assert.deepEqual(
    itl.sampleNames.map((n) => n.replace('inter_token_latency', 'time_per_output_token')),
    tpot.sampleNames,
  )
})

test('the V0 emulator matches the vLLM 0.4.3 capture: model_name only, no _created series', () => {
  const real = families(readFileSync(join(fixtures, 'vllm-0.4.3-v0-sample.prom'), 'utf8'))
  const emulated = vllmOnly(families(renderVllmMetrics({...options, version: 'v0'}, 0, 60_000)))
  for (const [name, family] of emulated) {
    const captured = real.get(name)
    assert.ok(captured, `${name} is not in the V0 capture`)
    assert.equal(family.type, captured.type, `${name} type`)
    if (name !== 'vllm:cache_config_info')
      assert.deepEqual(family.labelNames, captured.labelNames, `${name} label names`)
  }
})

test('emulated counters advance at the configured rate and histograms keep their mean', () => {
  const text = renderVllmMetrics({...options, version: '0.12', promptTokens: 100, ttftS: 0.25}, 1_000, 11_000)
  assert.match(
    text,
    joinRegExp(
      [
        /^vllm:request_success_total\{engine="0",finished_reason="stop",/,
        /model_name="Qwen\/Qwen3-4B-Instruct-2507-FP8"\} 30\.0$/,
      ],
      'm',
    ),
  )
  assert.match(text, /^vllm:request_prompt_tokens_sum\{[^}]*\} 3000\.0$/m)
  assert.match(text, /^vllm:time_to_first_token_seconds_sum\{[^}]*\} 7\.5$/m)
  assert.match(text, /^vllm:time_to_first_token_seconds_bucket\{engine="0",le="0\.25",[^}]*\} 30\.0$/m)
  assert.match(text, /^vllm:time_to_first_token_seconds_bucket\{engine="0",le="0\.1",[^}]*\} 0\.0$/m)
})
