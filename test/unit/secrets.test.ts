import assert from 'node:assert/strict'
import {test} from 'node:test'

import {redactSecrets, Secrets} from '../../src/core/redact.js'

test("a Secrets registry redacts what was added to it, and only it: no run sees another run's secrets", () => {
  const first = new Secrets()
  const second = new Secrets()
  first.add('first-run-token-123')
  first.add('abc')
  first.add(undefined)
  assert.equal(
    first.redact('got first-run-token-123 and abc'),
    'got <redacted> and abc',
    'shorter than 4 is not a secret',
  )
  assert.equal(second.redact('got first-run-token-123'), 'got first-run-token-123')
  assert.equal(redactSecrets('got first-run-token-123'), 'got first-run-token-123', 'no module-level list')
  assert.equal(second.redact('Authorization: Bearer abc.def'), 'Authorization: Bearer <redacted>', 'the patterns apply')
})
