import assert from 'node:assert/strict'
import {chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {test, type TestContext} from 'node:test'

import {
  execCredential,
  type ExecCredentialCache,
  parseExecCredential,
} from '../../../../src/core/read/kube/exec-credential.js'
import type {KubeconfigExec} from '../../../../src/core/read/kube/kubeconfig-parse.js'

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'kva-exec-test-'))
  t.after(() => rmSync(dir, {recursive: true, force: true}))
  return dir
}

/** A plugin that appends a line to `calls` on every run and prints the given ExecCredential status. */
function countingPlugin(dir: string, status: object): {command: string; calls: () => number} {
  const command = join(dir, 'plugin.sh')
  const calls = join(dir, 'calls')
  writeFileSync(calls, '')
  const credential = JSON.stringify({
    apiVersion: 'client.authentication.k8s.io/v1beta1',
    kind: 'ExecCredential',
    status,
  })
  writeFileSync(command, `#!/bin/sh\necho run >> '${calls}'\ncat <<'EOF'\n${credential}\nEOF\n`)
  chmodSync(command, 0o755)
  return {command, calls: () => readFileSync(calls, 'utf8').split('\n').filter(Boolean).length}
}

const execInfo = (apiVersion = 'client.authentication.k8s.io/v1') => ({
  name: 'KUBERNETES_EXEC_INFO',
  value: JSON.stringify({apiVersion, kind: 'ExecCredential', spec: {interactive: false}}),
})

test('an ExecCredential status gives its token or client certificate and key; no output is quoted', () => {
  assert.deepEqual(
    parseExecCredential('{"status":{"token":"abc-token-1234","expirationTimestamp":"2030-01-01T00:00:00Z"}}'),
    {token: 'abc-token-1234', expirationTimestamp: '2030-01-01T00:00:00Z'},
  )
  assert.deepEqual(parseExecCredential('{"status":{"clientCertificateData":"CERT","clientKeyData":"KEY"}}'), {
    clientCertificateData: 'CERT',
    clientKeyData: 'KEY',
  })
  assert.throws(
    () => parseExecCredential('token=secret-token-value'),
    (error: Error) => error.message === 'its output is not ExecCredential JSON',
  )
  assert.throws(() => parseExecCredential('{"kind":"ExecCredential"}'), /has no status/)
  assert.throws(
    () => parseExecCredential('{"status":{"clientCertificateData":"CERT"}}'),
    /neither a token nor a client certificate and key/,
  )
  assert.throws(() => parseExecCredential('{"status":{"token":42}}'), /status.token is not a string/)
})

test('a plugin runs once per process while its credential has no expiry, and its env reaches it', async (t) => {
  const dir = tempDir(t)
  const cache: ExecCredentialCache = new Map()
  const command = join(dir, 'echo-env.sh')
  const seen = join(dir, 'seen')
  // Writes what it was given to a file, so the test sees what the plugin saw.
  writeFileSync(
    command,
    `#!/bin/sh\nprintf '%s\\n%s\\n%s' "$1" "$EXTRA" "$KUBERNETES_EXEC_INFO" > '${seen}'\necho ` +
      `'{"status":{"token":"env-token-0001"}}'\n`,
  )
  chmodSync(command, 0o755)
  const exec: KubeconfigExec = {command, args: ['arg-one'], env: [{name: 'EXTRA', value: 'extra-value'}, execInfo()]}
  assert.equal((await execCredential(exec, cache)).token, 'env-token-0001')
  const [arg, extra, info] = readFileSync(seen, 'utf8').split('\n')
  assert.equal(arg, 'arg-one')
  assert.equal(extra, 'extra-value')
  assert.deepEqual(JSON.parse(info!), {
    apiVersion: 'client.authentication.k8s.io/v1',
    kind: 'ExecCredential',
    spec: {interactive: false},
  })

  const counting = countingPlugin(dir, {token: 'cached-token-0001'})
  const cached: KubeconfigExec = {command: counting.command, env: [execInfo('client.authentication.k8s.io/v1beta1')]}
  assert.equal((await execCredential(cached, cache)).token, 'cached-token-0001')
  assert.equal((await execCredential({...cached, env: [...cached.env]}, cache)).token, 'cached-token-0001')
  assert.equal(counting.calls(), 1, 'the second call reused the credential')
  await execCredential({...cached, args: ['--other']}, cache)
  assert.equal(counting.calls(), 2, 'other args are another credential')
})

test('an expired credential runs the plugin again; a failure is not cached', async (t) => {
  const dir = tempDir(t)
  const cache: ExecCredentialCache = new Map()
  const counting = countingPlugin(dir, {token: 'expiring-token-0001', expirationTimestamp: '2030-01-01T00:00:00Z'})
  const exec: KubeconfigExec = {command: counting.command, env: [execInfo()]}
  const before = () => Date.parse('2029-12-31T23:59:00Z')
  const after = () => Date.parse('2030-01-01T00:00:01Z')
  await execCredential(exec, cache, before)
  await execCredential(exec, cache, before)
  assert.equal(counting.calls(), 1)
  await execCredential(exec, cache, after)
  assert.equal(counting.calls(), 2, 'expired, so it ran again')

  const flaky = join(dir, 'flaky.sh')
  const marker = join(dir, 'ran-once')
  writeFileSync(
    flaky,
    `#!/bin/sh\nif [ ! -e '${marker}' ]; then touch '${marker}'; echo "first run fails" >&2; exit 3; ` +
      `fi\necho '{"status":{"token":"second-run-token"}}'\n`,
  )
  chmodSync(flaky, 0o755)
  const flakyExec: KubeconfigExec = {command: flaky, env: [execInfo()]}
  await assert.rejects(execCredential(flakyExec, cache), (error: Error) => error.message === 'first run fails')
  assert.equal((await execCredential(flakyExec, cache)).token, 'second-run-token')
})

test('a missing plugin rejects with ENOENT and a silent failing one with its exit status', async (t) => {
  const dir = tempDir(t)
  const cache: ExecCredentialCache = new Map()
  await assert.rejects(
    execCredential({command: join(dir, 'nope'), env: [execInfo()]}, cache),
    (error: NodeJS.ErrnoException) => error.code === 'ENOENT',
  )
  const silent = join(dir, 'silent.sh')
  writeFileSync(silent, '#!/bin/sh\nexit 7\n')
  chmodSync(silent, 0o755)
  await assert.rejects(execCredential({command: silent, env: [execInfo()]}, cache), /^Error: exit status 7$/)
})

test('the plugin gets no stdin, so one that reads it does not hang', async (t) => {
  const dir = tempDir(t)
  const cache: ExecCredentialCache = new Map()
  const reader = join(dir, 'reader.sh')
  writeFileSync(reader, '#!/bin/sh\ncat >/dev/null\necho \'{"status":{"token":"read-stdin-token"}}\'\n')
  chmodSync(reader, 0o755)
  assert.equal((await execCredential({command: reader, env: [execInfo()]}, cache)).token, 'read-stdin-token')
})
