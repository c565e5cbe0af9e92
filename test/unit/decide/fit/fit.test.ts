import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {
  type FitPoint,
  fitProfile,
  type FormResult,
  normalQuantile,
  robustWls,
  tCritical,
} from '../../../../src/core/decide/fit/index.js'
import {syntheticFitPoints, type TrafficProfile} from '../../../support/profile-traffic.js'

const v05: TrafficProfile = {form: 'v0.5', alpha: 7.47, beta: 0.044, gamma: 15.415, delta: 0.000337}
const v06: TrafficProfile = {form: 'v0.6', alpha: 6.2, beta: 0.011, gamma: 0.00042}

function fitted(result: FormResult | undefined): Extract<FormResult, {kind: 'fitted'}>['fit'] {
  assert.ok(result, 'no result')
  assert.equal(result.kind, 'fitted', result.kind === 'refused' ? result.refusal.reason : '')
  return result.fit
}

/** Each parameter within 5 % of the truth or inside its 95 % interval. */
function assertRecovered(fit: ReturnType<typeof fitted>, truth: TrafficProfile): void {
  for (const parameter of fit.parameters) {
    const expected = (truth as unknown as Record<string, number>)[parameter.name]!
    const within = Math.abs(parameter.value - expected) <= 0.05 * Math.abs(expected)
    const inside = parameter.ci95[0] <= expected && expected <= parameter.ci95[1]
    assert.ok(
      within || inside,
      `${fit.form} ${parameter.name} = ${parameter.value} [${parameter.ci95.join(', ')}], truth ${expected}`,
    )
  }
}

describe('statistics', () => {
  test('normal and t quantiles match tables', () => {
    assert.ok(Math.abs(normalQuantile(0.975) - 1.959964) < 1e-6)
    assert.ok(Math.abs(normalQuantile(0.001) + 3.090232) < 1e-6)
    for (const [df, expected] of [
      [1, 12.7062],
      [2, 4.3027],
      [3, 3.1824],
      [10, 2.2281],
      [30, 2.0423],
      [1000, 1.9623],
    ] as const) {
      assert.ok(Math.abs(tCritical(0.05, df) - expected) / expected < 2e-4, `t(0.05, ${df}) = ${tCritical(0.05, df)}`)
    }
  })

  test('weighted least squares recovers an exact line and rejects a gross outlier', () => {
    const n = 20
    const x = new Float64Array(2 * n)
    const y = new Float64Array(n)
    const w = new Float64Array(n).fill(1)
    for (let i = 0; i < n; i++) {
      x[2 * i] = 1
      x[2 * i + 1] = i
      y[i] = 3 + 0.5 * i + (i % 2 === 0 ? 0.01 : -0.01)
    }
    y[7] = 100
    const fit = robustWls({p: 2, x, y, w})
    assert.equal(fit.kind, 'fit')
    if (fit.kind !== 'fit') return
    assert.equal(fit.inlier[7], 0)
    assert.equal(fit.rejected, 1)
    assert.ok(Math.abs(fit.coefficients[0]! - 3) < 0.02)
    assert.ok(Math.abs(fit.coefficients[1]! - 0.5) < 0.002)
    assert.ok(fit.r2 > 0.999)
  })

  test('collinear columns are singular, too few rows are refused', () => {
    const x = Float64Array.from([1, 2, 1, 2, 1, 2, 1, 2, 1, 2])
    const y = Float64Array.from([1, 2, 3, 4, 5])
    assert.equal(robustWls({p: 2, x, y, w: new Float64Array(5).fill(1)}).kind, 'singular')
    assert.equal(robustWls({p: 2, x: x.slice(0, 6), y: y.slice(0, 3), w: new Float64Array(3).fill(1)}).kind, 'too-few')
  })
})

describe('profile fit on synthetic data', () => {
  test('recovers α, β, γ, δ of a 4-parameter profile with 3 % / 5 % noise', () => {
    const points = syntheticFitPoints({profile: v05, pods: 2, steps: 720, seed: 11})
    const result = fitProfile(points, ['v0.5'])
    const fit = fitted(result.forms['v0.5'])
    assertRecovered(fit, v05)
    assert.equal(fit.equations.length, 2)
    assert.ok(fit.equations[0]!.r2 > 0.7, `decode R² ${fit.equations[0]!.r2}`)
    assert.deepEqual(fit.equations[0]!.batchRange, [1, 48])
  })

  test('recovers α, β, γ of the v0.6 model', () => {
    const points = syntheticFitPoints({profile: v06, pods: 2, steps: 720, seed: 5})
    const fit = fitted(fitProfile(points, ['v0.6']).forms['v0.6'])
    assertRecovered(fit, v06)
    assert.deepEqual(
      fit.parameters.map((p) => p.name),
      ['alpha', 'beta', 'gamma'],
    )
  })

  test('the 95 % intervals cover the truth about 95 % of the time', () => {
    let covered = 0
    let total = 0
    for (let seed = 1; seed <= 40; seed++) {
      const points = syntheticFitPoints({profile: v05, pods: 1, steps: 120, seed})
      const fit = fitted(fitProfile(points, ['v0.5']).forms['v0.5'])
      for (const parameter of fit.parameters) {
        const truth = v05[parameter.name as keyof typeof v05] as number
        total++
        if (parameter.ci95[0] <= truth && truth <= parameter.ci95[1]) covered++
      }
    }
    const rate = covered / total
    assert.ok(rate > 0.85 && rate <= 1, `coverage ${rate}`)
  })

  test('outliers do not move the fit', () => {
    const points = syntheticFitPoints({profile: v05, pods: 1, steps: 600, seed: 3})
    for (let i = 0; i < points.length; i += 37) points[i] = {...points[i]!, itlMs: points[i]!.itlMs! * 5}
    const fit = fitted(fitProfile(points, ['v0.5']).forms['v0.5'])
    assertRecovered(fit, v05)
    assert.ok(fit.equations[0]!.rejected >= 16, `rejected ${fit.equations[0]!.rejected}`)
  })

  test('windows that straddle a load change are dropped', () => {
    const points: FitPoint[] = syntheticFitPoints({profile: v05, pods: 1, steps: 300, seed: 9}).map((p, i) =>
      i % 10 === 0 ? {...p, batchSpread: 2 * (p.batch ?? 0) + 2, itlMs: 500} : p,
    )
    const result = fitProfile(points, ['v0.5'])
    assert.equal(result.data.droppedLoadChange, 30)
    assertRecovered(fitted(result.forms['v0.5']), v05)
  })
})

describe('degenerate data is refused', () => {
  test('batch never above 1', () => {
    const points = syntheticFitPoints({profile: v05, pods: 1, steps: 200, batch: [1, 1]})
    const result = fitProfile(points)
    for (const form of ['v0.5', 'v0.6'] as const) {
      const outcome = result.forms[form]!
      assert.equal(outcome.kind, 'refused')
      if (outcome.kind !== 'refused') continue
      assert.match(outcome.refusal.reason, /never went above 1/)
      assert.ok(outcome.refusal.parameters.includes('beta'))
    }
  })

  test('a constant batch cannot give a slope', () => {
    const points = syntheticFitPoints({profile: v05, pods: 1, steps: 200, batch: [16, 16]})
    const outcome = fitProfile(points, ['v0.5']).forms['v0.5']!
    assert.equal(outcome.kind, 'refused')
    if (outcome.kind === 'refused') assert.match(outcome.refusal.reason, /barely varies \(16 to 16/)
  })

  test('no prefill data refuses γ and δ', () => {
    const points = syntheticFitPoints({profile: v05, pods: 1, steps: 200}).map((p) => ({...p, prefillMs: null}))
    const outcome = fitProfile(points, ['v0.5']).forms['v0.5']!
    assert.equal(outcome.kind, 'refused')
    if (outcome.kind === 'refused') {
      assert.deepEqual(outcome.refusal.parameters, ['gamma', 'delta'])
      assert.match(outcome.refusal.reason, /no prefill time/)
    }
  })

  test('v0.6 without prefill and with fixed request sizes cannot separate β and γ', () => {
    const points = syntheticFitPoints({
      profile: v06,
      pods: 1,
      steps: 300,
      inputTokens: [1000, 1000],
      outputTokens: [200, 200],
    }).map((p) => ({...p, prefillMs: null}))
    const outcome = fitProfile(points, ['v0.6']).forms['v0.6']!
    assert.equal(outcome.kind, 'refused')
    if (outcome.kind === 'refused') assert.match(outcome.refusal.reason, /cannot be told apart/)
  })

  test('pure noise gives intervals wider than the values', () => {
    const points = syntheticFitPoints({profile: v05, pods: 1, steps: 30, itlNoise: 2, prefillNoise: 0.01})
    const outcome = fitProfile(points, ['v0.5']).forms['v0.5']!
    assert.equal(outcome.kind, 'refused')
    if (outcome.kind === 'refused') assert.match(outcome.refusal.reason, /wider than the value/)
  })
})
