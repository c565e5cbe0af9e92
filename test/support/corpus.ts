import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {repoRoot} from './paths.js'
import {type CliRun, cleanEnv, kubectlVaDirect} from './run-cli.js'

/**
 * The bad-input corpus: each case is a command line (with files, environment and standard input it needs) and what a
 * user must see. A case is judged mechanically, the same way for every case:
 * - the exit code is the documented one;
 * - no stack trace and no "internal error" (a crash), and the run ends before `hangAfterMs` (a hang);
 * - every `error:` line has the form `error: <object>: <what>; <fix>`; a run that fails as a whole (exit 2, 4, 5)
 *   prints exactly one of them (usage errors may add kubectl's "See '... --help' for usage." line); exit 3 (nothing
 *   could be evaluated) prints one per broken object, at least one;
 * - every `--flag` that stderr names exists, or was given by the case (a hint must not point at a flag that is not
 *   there; quoting the user's own unknown flag back is fine);
 * - with `--verbose`, stack traces and detail lines may follow the error line (still no "internal error");
 * - no secret of the case appears in stdout or stderr;
 * - a partial result (exit 6) still prints the good objects on stdout.
 */
export interface CorpusCase {
  /** What is wrong, as a test name: "manifest: metadata.name is a number". */
  name: string
  /** kubectl va arguments. */
  args: readonly string[]
  env?: NodeJS.ProcessEnv
  input?: string
  /** The documented exit code. */
  code: number
  /** What the one error line (or, with exit 0/6, stderr as a whole) must say. */
  stderr?: RegExp
  /** What stdout must hold (a kept object's name, a table header). */
  stdout?: RegExp
  /** Strings that must appear nowhere in the output (tokens, passwords, keys). */
  secrets?: readonly string[]
  /** Run without root's right to read anything: as `nobody` when the tests run as root (as in CI). */
  unprivileged?: boolean
  /** A run still going after this is killed and counts as hung (a guard, not a measurement); default 20 s. */
  hangAfterMs?: number
}

export type JudgedRun = CliRun

const errorLine = /^error: [^;]+: .+; .+$/
const usageLine = /^See '.+' for usage\.$/

/** Every long flag any command accepts, from the oclif manifest the build writes. */
export function knownFlags(): ReadonlySet<string> {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'oclif.manifest.json'), 'utf8')) as {
    commands: Record<string, {flags: Record<string, {name: string}>}>
  }
  const names = new Set<string>(['help'])
  for (const command of Object.values(manifest.commands)) for (const flag of Object.keys(command.flags)) names.add(flag)
  return names
}

const nobody = 65534

export async function runCase(c: CorpusCase): Promise<JudgedRun> {
  const asNobody = c.unprivileged === true && process.getuid?.() === 0
  return kubectlVaDirect(c.args, {
    // nobody cannot read root's HOME; a HOME that does not exist is simply empty.
    env: cleanEnv({...(asNobody ? {HOME: '/nonexistent'} : {}), ...c.env}),
    input: c.input ?? '',
    timeoutMs: c.hangAfterMs ?? 20_000,
    ...(asNobody ? {uid: nobody, gid: nobody} : {}),
  })
}

/** Asserts everything the corpus promises about one run; the message names the case and shows its output. */
export function judge(c: CorpusCase, run: JudgedRun, flags: ReadonlySet<string>): void {
  const shown = `\n--- exit ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`
  assert.ok(run.killed !== true, `hang: killed after ${c.hangAfterMs ?? 20_000} ms${shown}`)
  const verbose = c.args.includes('--verbose')
  if (!verbose) assert.doesNotMatch(run.stderr, /^\s+at .+:\d+:\d+\)?$/m, `crash: stack trace${shown}`)
  assert.doesNotMatch(run.stderr, /internal error/, `crash: internal error${shown}`)
  assert.equal(run.code, c.code, `exit code${shown}`)
  for (const secret of c.secrets ?? []) {
    assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret), `leak: ${secret}${shown}`)
  }
  const lines = run.stderr.split('\n').filter((line) => line !== '')
  const errors = lines.filter((line) => line.startsWith('error:'))
  for (const line of errors)
    assert.match(line, errorLine, `error line not in the form "error: <object>: <what>; <fix>"${shown}`)
  if (c.code >= 2 && c.code <= 5) {
    if (c.code === 3) assert.ok(errors.length >= 1, `an error line per broken object expected${shown}`)
    else assert.equal(errors.length, 1, `one error line expected${shown}`)
    const others = lines.filter((line) => !line.startsWith('error:') && !line.startsWith('warning:'))
    const usageOnly = others.every((line) => usageLine.test(line))
    if (c.code === 2) assert.ok(verbose || usageOnly, `unexpected stderr lines${shown}`)
    else if (!verbose) assert.deepEqual(others, [], `unexpected stderr lines${shown}`)
  }
  if (c.code === 6)
    assert.ok(errors.length >= 1 && run.stdout.trim() !== '', `partial result: errors and kept output${shown}`)
  for (const [, flag] of run.stderr.matchAll(/(?<![\w-])--([a-z][a-z0-9-]*)/g)) {
    const given = c.args.some((arg) => arg === `--${flag}` || arg.startsWith(`--${flag}=`))
    assert.ok(flags.has(flag!) || given, `stderr names --${flag}, which no command has${shown}`)
  }
  if (c.stderr) assert.match(run.stderr, c.stderr, `stderr${shown}`)
  if (c.stdout) assert.match(run.stdout, c.stdout, `stdout${shown}`)
}

/**
 * Registers one test per case (named "corpus: <name>"), running up to `concurrency` cases at a time. Cases that need
 * a server or files build them in `prepare` and return the cases then.
 */
export function corpusSuite(
  suiteName: string,
  prepare: (t: import('node:test').TestContext) => Promise<readonly CorpusCase[]> | readonly CorpusCase[],
  concurrency = 4,
): void {
  void import('node:test').then(({test}) =>
    test(suiteName, {concurrency: true}, async (t) => {
      const flags = knownFlags()
      const cases = await prepare(t)
      assert.ok(cases.length > 0, 'an empty corpus judges nothing')
      let next = 0
      const worker = async () => {
        while (next < cases.length) {
          const c = cases[next++]!
          await t.test(`corpus: ${c.name}`, async () => judge(c, await runCase(c), flags))
        }
      }
      await Promise.all(Array.from({length: Math.min(concurrency, cases.length)}, worker))
    }),
  )
}
