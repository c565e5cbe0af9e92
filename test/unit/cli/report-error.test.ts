import assert from 'node:assert/strict'
import {test} from 'node:test'

import {reportError} from '../../../src/cli/main.js'
import {ClusterError, UsageError} from '../../../src/core/errors.js'
import {Secrets} from '../../../src/core/redact.js'

/** What reportError writes to stderr, and the exit code it returns. */
function report(
  error: unknown,
  verbose = false,
  commandId?: string,
  secrets = new Secrets(),
): {code: number; stderr: string} {
  const write = process.stderr.write
  let stderr = ''
  process.stderr.write = ((chunk: string) => {
    stderr += chunk
    return true
  }) as typeof process.stderr.write
  try {
    return {code: reportError(error, verbose, commandId, secrets), stderr}
  } finally {
    process.stderr.write = write
  }
}

test('a usage error is one line; one with no fix points at the subcommand help', () => {
  const fixed = report(new UsageError('--x: bad', {hint: 'use --y'}), false, 'get')
  assert.deepEqual(fixed, {code: 2, stderr: 'error: --x: bad; use --y\n'})
  const {stderr} = report(new UsageError('--x: bad'), false, 'simulate')
  assert.match(stderr, /^error: --x: bad; see 'kubectl[ -]va simulate --help'\n$/)
})

test('legacy usage wordings are rewritten into the documented form', () => {
  const message = 'invalid value "-5" for --arrival-rate: must be zero or more'
  const legacy = report(new UsageError(message, {hint: 'pass 0 or more'}), false, 'simulate')
  assert.equal(legacy.stderr, 'error: --arrival-rate -5: must be zero or more; pass 0 or more\n')
  const quoted = report(new UsageError('invalid --at "x y": expected a time', {hint: 'use -15m'}), false, 'get')
  assert.equal(quoted.stderr, 'error: --at "x y": expected a time; use -15m\n')
  const objectless = report(new UsageError('--to needs --from', {hint: 'pass --from'}), false, 'simulate')
  assert.equal(objectless.stderr, 'error: simulate: --to needs --from; pass --from\n')
})

test('line breaks and terminal escapes in a message never reach stderr raw', () => {
  const {code, stderr} = report(new ClusterError('kubeconfig a\nb: bad \u001b]0;title\u0007 name', {hint: 'fix\r\nit'}))
  assert.equal(code, 4)
  assert.equal(stderr, 'error: kubeconfig a b: bad ^[]0;title^G name; fix it\n')
})

test('--verbose adds the causes and the stack, with secrets redacted', () => {
  const secrets = new Secrets()
  secrets.add('verbose-secret-0a1b2c')
  const cause = Object.assign(new Error('upstream said verbose-secret-0a1b2c'), {code: 'EPROTO'})
  const {stderr} = report(new ClusterError('API server x: failed', {hint: 'retry', cause}), true, undefined, secrets)
  const lines = stderr.split('\n')
  assert.equal(lines[0], 'error: API server x: failed; retry')
  assert.equal(lines[1], '  cause: Error: upstream said <redacted> (EPROTO)')
  assert.match(stderr, /\n\s+at /)
  assert.ok(!stderr.includes('verbose-secret-0a1b2c'))
})

test('anything else is an internal error, in the same form', () => {
  const {code, stderr} = report(new TypeError('x is not a function'))
  assert.equal(code, 1)
  assert.match(stderr, /^error: internal error: x is not a function; this is a bug, rerun with --verbose and report/)
})
