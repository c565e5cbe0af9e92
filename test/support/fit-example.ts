import type {TrafficOptions} from './profile-traffic.js'

/**
 * The capture behind the docs' `kubectl va fit -f` examples (examples/fit/granite-8b.om.gz): two pods of granite-8b in
 * namespace llm for two hours, scraped every 30 s, from the 4-parameter profile below. Regenerate with
 * KVA_UPDATE_OUTPUT=1 (test/unit/decide/fit/example-capture.test.ts checks the committed file matches).
 */
export const exampleProfile = {form: 'v0.5', alpha: 7.47, beta: 0.044, gamma: 15.415, delta: 0.000337} as const

export const exampleCaptureOptions: TrafficOptions = {
  profile: exampleProfile,
  namespace: 'llm',
  modelName: 'granite-8b',
  pods: ['granite-8b-0', 'granite-8b-1'],
  startS: 1_764_547_200,
  durationS: 2 * 3600,
  scrapeS: 30,
  seed: 2026,
  batch: [1, 64],
  segmentS: [240, 720],
}
