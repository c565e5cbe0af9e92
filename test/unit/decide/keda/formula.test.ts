/**
 * scalingModifiers formulas: the expr-lang subset. Sources, named per test: KEDA v2.20.2
 * apis/keda/v1alpha1/scaledobject_webhook_test.go (formula validation cases), pkg/scaling/scale_handler_test.go
 * (TestScalingModifiersFormula), pkg/scaling/modifiers/formula_test.go; expr-lang operator precedence
 * (parser/operator); the llm-d overlays' shapes (SLO ratio with hysteresis); hand-worked cases.
 */
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {compileFormula, evaluateFormula, FormulaError} from '../../../../src/core/decide/keda/index.js'
import {InputError} from '../../../../src/core/errors.js'

const evaluate = (formula: string, values: Record<string, number | null> = {}): number | null =>
  evaluateFormula(compileFormula('so', formula, Object.keys(values)), new Map(Object.entries(values)))

describe('KEDA upstream formula cases', () => {
  test('scale_handler_test.go TestScalingModifiersFormula: trigger1 + trigger2 with 2 and 5 is 7', () => {
    assert.equal(evaluate('trigger1 + trigger2', {trigger1: 2, trigger2: 5}), 7)
  })
  test('scaledobject_webhook_test.go "formula triggers do have names but not all triggers": workload_trig + 1', () => {
    assert.equal(evaluate('workload_trig + 1', {workload_trig: 3}), 4)
  })
  test('scaledobject_webhook_test.go "formula casts to float already": float(workload_trig + 1)', () => {
    assert.equal(evaluate('float(workload_trig + 1)', {workload_trig: -1}), 0)
  })
  test('scaledobject_webhook_test.go "casting float from ternary operator"', () => {
    const formula = 'float(workload_trig < 5 ? cron_trig + workload_trig : 5)'
    assert.equal(evaluate(formula, {workload_trig: 2, cron_trig: 3}), 5)
    assert.equal(evaluate(formula, {workload_trig: 7, cron_trig: 3}), 5)
    assert.equal(evaluate(formula, {workload_trig: 1, cron_trig: 1}), 2)
  })
  test('scaledobject_webhook_test.go "complex ternary": nested, right-associative', () => {
    const formula = 'float(trig_one < 2 ? trig_one+trig_two >= 2 ? 5 : 10 : 0)'
    assert.equal(evaluate(formula, {trig_one: 1, trig_two: 1}), 5)
    assert.equal(evaluate(formula, {trig_one: 1, trig_two: 0}), 10)
    assert.equal(evaluate(formula, {trig_one: 3, trig_two: 0}), 0)
  })
  test('scaledobject_webhook_test.go "double float cast"', () => {
    assert.equal(evaluate('float(float(trig_two < 5 ? trig_one + trig_two : 5))', {trig_one: 1, trig_two: 2}), 3)
  })
  test('scaledobject_webhook_test.go "count operator" is outside the subset: a typed error', () => {
    assert.throws(
      () => compileFormula('so', 'count([trig_one,trig_two],{#>1}) > 1 ? 5 : 0', ['trig_one', 'trig_two']),
      FormulaError,
    )
  })
  test('scaledobject_webhook_test.go "?? chains": trig_one ?? trig_two ?? 5', () => {
    assert.equal(evaluate('trig_one ?? trig_two ?? 5', {trig_one: null, trig_two: null}), 5)
    assert.equal(evaluate('trig_one ?? trig_two ?? 5', {trig_one: null, trig_two: 2}), 2)
  })
  test('formula_test.go TestCalculateScalingModifiersFormulaFallbackReplicas: trigger1 ?? trigger2 is nil', () => {
    assert.equal(evaluate('trigger1 ?? trigger2', {trigger1: null, trigger2: null}), null)
  })
})

describe('expr-lang precedence and functions (hand-worked)', () => {
  const cases: ReadonlyArray<readonly [string, number]> = [
    ['2 + 3 * 4', 14],
    ['(2 + 3) * 4', 20],
    ['10 - 4 - 3', 3],
    ['7 / 2', 3.5],
    ['-2 ** 2', -4],
    ['2 ** 3 ** 2', 512],
    ['2 ^ 10', 1024],
    ['min(3, 1.5, 2)', 1.5],
    ['max(3, 1.5, 2)', 3],
    ['abs(-2.5)', 2.5],
    ['ceil(1.2)', 2],
    ['floor(-1.2)', -2],
    ['round(2.5)', 3],
    ['round(-2.5)', -3],
    ['1 < 2 && 3 > 4 ? 1 : 0', 0],
    ['1 < 2 || 3 > 4 ? 1 : 0', 1],
    ['not (1 > 2) and true ? 1e3 : .5', 1000],
    ['!true ? 1 : 2', 2],
    ['1 == 1.0 ? 1 : 0', 1],
    ['1 != 1 ? 1 : 0', 0],
  ]
  for (const [formula, expected] of cases) {
    test(`${formula} = ${expected}`, () => assert.equal(evaluate(formula), expected))
  }
  test('?? binds tighter than arithmetic: x ?? 1 + 1 is (x ?? 1) + 1', () => {
    assert.equal(evaluate('x ?? 1 + 1', {x: null}), 2)
    assert.equal(evaluate('x ?? 1 + 1', {x: 5}), 6)
  })
  test('division by zero is +Inf, as for Go floats', () => assert.equal(evaluate('1 / x', {x: 0}), Infinity))
})

describe('llm-d overlay shapes', () => {
  // SLO-aware: the worse of TTFT and TPOT over their SLOs, with a hysteresis band around 1.
  const ratio = 'max(ttft / 0.5, tpot / 0.05)'
  const slo = `${ratio} > 1.1 ? ${ratio} : (${ratio} < 0.7 ? 0.5 : 1)`
  test('SLO ratio above the band scales with the ratio', () => {
    assert.equal(evaluate(slo, {ttft: 0.9, tpot: 0.04}), 1.8)
  })
  test('inside the band holds at 1, below it drops to 0.5', () => {
    assert.equal(evaluate(slo, {ttft: 0.5, tpot: 0.05}), 1)
    assert.equal(evaluate(slo, {ttft: 0.1, tpot: 0.01}), 0.5)
  })
  test('token-aware: in-flight tokens over peak prefill throughput, floored by KV-cache usage', () => {
    assert.equal(evaluate('max(tokens / 20000, kv / 0.8)', {tokens: 50_000, kv: 0.4}), 2.5)
  })
})

describe('bad formulas are typed errors naming the scaler', () => {
  test('unknown trigger name', () => {
    assert.throws(
      () => compileFormula('llm-slo', 'ttft + nope', ['ttft', 'tpot']),
      (error: Error) =>
        error instanceof InputError &&
        /scaler llm-slo: .*unknown trigger "nope" \(triggers: ttft, tpot\)/.test(error.message),
    )
  })
  const bad = ['ttft +', '(ttft', 'ttft ? 1', 'ttft % 2', '"a"', 'ttft.x', 'sum(ttft)', 'min()', '']
  for (const formula of bad) {
    test(`syntax: ${JSON.stringify(formula)}`, () => {
      assert.throws(
        () => compileFormula('llm-slo', formula, ['ttft']),
        (error: Error) => error instanceof FormulaError && /llm-slo/.test(error.message),
      )
    })
  }
  test('a boolean result is an evaluation error', () => {
    assert.throws(() => evaluate('x > 1', {x: 2}), FormulaError)
  })
  test('arithmetic on nil is an evaluation error', () => {
    assert.throws(() => evaluate('x + 1', {x: null}), FormulaError)
  })
})
