import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {test} from 'node:test'

import {repoRoot} from '../support/paths.js'
import {kubectlVa, kubectlVaDirect} from '../support/run-cli.js'

const version = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version as string

test('kubectl va version prints the package version through kubectl plugin discovery', async () => {
  const run = await kubectlVa(['version'])
  assert.equal(run.stderr, '')
  assert.equal(run.code, 0)
  assert.match(run.stdout, new RegExp(`^kubectl-va version ${version.replaceAll('.', '\\.')} \\(node v22\\.`))
})

test('version -o json is machine readable', async () => {
  const run = await kubectlVaDirect(['version', '-o', 'json'])
  assert.equal(run.code, 0)
  assert.equal(JSON.parse(run.stdout).clientVersion, version)
})

test('help reads "kubectl va" in plugin mode and shows no shell prompt', async () => {
  const run = await kubectlVa(['version', '--help'])
  assert.equal(run.code, 0)
  assert.match(run.stdout, /^ {2}kubectl va version/m)
  assert.doesNotMatch(run.stdout, /^\s*\$ /m)
})

test('an unknown output format is a usage error with exit code 2 and no stack trace', async () => {
  const run = await kubectlVaDirect(['version', '-o', 'xml'])
  assert.equal(run.code, 2)
  assert.equal(run.stderr, 'error: -o xml: unknown output format; use one of json,yaml\n')
  assert.doesNotMatch(run.stderr, /\n\s+at /)
})

test('unknown flags and commands are usage errors (exit 2)', async () => {
  const flag = await kubectlVaDirect(['get', '--nope'])
  assert.equal(flag.code, 2)
  const help = 'kubectl va get --help'
  const unknown = `error: --nope: unknown flag for "get"; run '${help}' for its flags`
  assert.equal(flag.stderr, `${unknown}\nSee '${help}' for usage.\n`)
  const command = await kubectlVaDirect(['frobnicate'])
  assert.equal(command.code, 2)
  assert.match(command.stderr, /^error: frobnicate: unknown command for "kubectl va"; run 'kubectl va --help'/)
  assert.match(command.stderr, /\nSee 'kubectl va --help' for usage\.\n$/)
})
