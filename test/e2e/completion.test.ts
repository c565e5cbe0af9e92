import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {delimiter, join} from 'node:path'
import {after, before, describe, test} from 'node:test'

import {binDir} from '../support/paths.js'
import {cleanEnv, kubectlVa, runCommand, type CliRun} from '../support/run-cli.js'

// kubectl (>= 1.26) completes `kubectl va ...` by running kubectl_complete-va from PATH; `kubectl __complete` is the
// entry point its shell scripts call, so these tests complete exactly what a user's <TAB> would.
describe('kubectl completes "kubectl va" through the kubectl_complete-va shim', () => {
  let shimDir: string
  let env: NodeJS.ProcessEnv

  const completeThroughKubectl = (words: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliRun> =>
    runCommand('kubectl', ['__complete', 'va', ...words], {env: {...env, ...extraEnv}})

  before(async () => {
    shimDir = mkdtempSync(join(tmpdir(), 'kva-completion-'))
    const installed = await kubectlVa(['completion', 'install-kubectl-shim', '--dir', shimDir])
    assert.equal(installed.code, 0, installed.stderr)
    env = cleanEnv({PATH: `${shimDir}${delimiter}${binDir}${delimiter}${process.env.PATH ?? ''}`})
  })
  after(() => rmSync(shimDir, {recursive: true, force: true}))

  test('install-kubectl-shim writes an executable shim into --dir', () => {
    assert.equal(statSync(join(shimDir, 'kubectl_complete-va')).mode & 0o111, 0o111)
  })

  test('an empty word lists the visible commands with their summaries, not the hidden __complete', async () => {
    const run = await completeThroughKubectl([''])
    assert.equal(run.code, 0)
    assert.match(run.stdout, /^completion\tPrint a shell completion script or install the kubectl shim\n/)
    assert.match(run.stdout, /^version\tPrint the kubectl-va version$/m)
    assert.doesNotMatch(run.stdout, /__complete/)
    assert.match(run.stdout, /\n:4\n$/)
  })

  test('a prefix narrows the commands', async () => {
    const run = await completeThroughKubectl(['ver'])
    assert.equal(run.stdout, 'version\tPrint the kubectl-va version\n:4\n')
  })

  test('flags of the command are offered, long and short, with their descriptions', async () => {
    const run = await completeThroughKubectl(['version', '-'])
    const values = run.stdout.split('\n').map((line) => line.split('\t')[0])
    assert.deepEqual(values, ['--no-color', '--output', '-o', '--verbose', ':4', ''])
  })

  test('-o values complete after -o and after --output=', async () => {
    assert.equal((await completeThroughKubectl(['version', '-o', ''])).stdout, 'json\nyaml\n:4\n')
    assert.equal((await completeThroughKubectl(['version', '--output=y'])).stdout, '--output=yaml\n:4\n')
  })

  test('argument values come from the manifest', async () => {
    const run = await completeThroughKubectl(['completion', 'p'])
    assert.equal(run.stdout, 'powershell\n:4\n')
  })

  test('a typed --help does not turn completion into help text', async () => {
    const run = await completeThroughKubectl(['version', '--help', '--verb'])
    assert.equal(run.code, 0)
    assert.match(run.stdout, /^--verbose\t/)
  })
})

describe('kubectl va completion prints scripts', () => {
  test('bash: the script completes kubectl-va when sourced', async (t) => {
    // spawnSync: bash --version exits before reading stdin, and runCommand's stdin write would hit EPIPE.
    assert.equal(spawnSync('bash', ['--version']).status, 0, 'bash is not installed (CI runs in bash)')
    const dir = mkdtempSync(join(tmpdir(), 'kva-bash-'))
    t.after(() => rmSync(dir, {recursive: true, force: true}))
    const script = await kubectlVa(['completion', 'bash'])
    assert.equal(script.code, 0)
    writeFileSync(join(dir, 'completion.bash'), script.stdout)
    // What bash does on `kubectl-va version -o <TAB>`.
    const run = await runCommand('bash', [
      '-c',
      `source ${join(dir, 'completion.bash')}; COMP_WORDS=(kubectl-va version -o ''); COMP_CWORD=3; ` +
        `__kubectl_va_complete; printf '%s\\n' "\${COMPREPLY[@]}"`,
    ])
    assert.equal(run.stderr, '')
    assert.equal(run.stdout, 'json\nyaml\n')
  })

  for (const [shell, marker] of [
    ['zsh', /^#compdef kubectl-va$/m],
    ['fish', /^complete -c kubectl-va -f -a '\(__kubectl_va_complete\)'$/m],
    ['powershell', /^Register-ArgumentCompleter -Native -CommandName 'kubectl-va', 'kubectl-va.exe'/m],
  ] as const) {
    test(`${shell}: the script registers a completer that calls __complete`, async () => {
      const run = await kubectlVa(['completion', shell])
      assert.equal(run.code, 0)
      assert.equal(run.stderr, '')
      assert.match(run.stdout, marker)
      assert.match(run.stdout, /kubectl-va __complete '?--'? /)
    })
  }

  test('an unknown shell is a usage error', async () => {
    const run = await kubectlVa(['completion', 'tcsh'])
    assert.equal(run.code, 2)
    const shells = 'bash, zsh, fish, powershell, install-kubectl-shim'
    assert.equal(run.stderr, `error: tcsh: unknown shell; use one of ${shells}\n`)
  })
})
