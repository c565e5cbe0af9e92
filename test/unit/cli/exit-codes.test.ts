import assert from 'node:assert/strict'
import {test} from 'node:test'

import {commandResult, ExitCode, exitCodeFor, isRunResult} from '../../../src/cli/exit-codes.js'

test('exitCodeFor: a Prometheus failure wins, then nothing computed (3), then partial (6)', () => {
  assert.equal(exitCodeFor(commandResult(false, 'all')), ExitCode.ok)
  assert.equal(exitCodeFor(commandResult(false, 'partial')), ExitCode.partial)
  assert.equal(exitCodeFor(commandResult(false, 'none')), ExitCode.input)
  for (const complete of ['all', 'partial', 'none'] as const) {
    assert.equal(exitCodeFor(commandResult(true, complete)), ExitCode.prometheus)
  }
})

test('exitCodeFor: a typed error gives its kind, oclif keeps its own exit', () => {
  assert.equal(exitCodeFor({kind: 'error', error: 'cluster'}), 4)
  assert.equal(exitCodeFor({kind: 'error', error: 'usage'}), 2)
  assert.equal(exitCodeFor({kind: 'error', error: 'internal'}), 1)
  assert.equal(exitCodeFor({kind: 'oclif-exit', code: 0}), 0)
})

test('isRunResult tells a command result from a command that returns nothing', () => {
  assert.equal(isRunResult(commandResult(false, 'all')), true)
  assert.equal(isRunResult(undefined), false)
  assert.equal(isRunResult({kind: 'other'}), false)
})
