import {Config, Errors, flush, run} from '@oclif/core'
import {readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {KvaError, shownValue} from '../core/errors.js'
import {exitCodeFor, isRunResult} from './exit-codes.js'
import {displayName, isPluginMode} from './plugin-mode.js'
import {Secrets} from '../core/redact.js'
import {attachSecrets} from './base-command.js'
import {guardPipe} from './output.js'
import {escapeTerminal} from '../core/render/format.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

/** The one place that turns a failure into a message on stderr and an exit code. */
export async function main(argv: string[]): Promise<void> {
  const verbose = argv.includes('--verbose')
  escapeStderr()
  let commandId: string | undefined
  const secrets = new Secrets()
  // `kubectl va get | head` closes the pipe early; that is not an error.
  guardPipe(process.stdout)
  try {
    const config = await Config.load({root, pjson: readPackageJson(displayName(isPluginMode()))})
    attachSecrets(config, secrets)
    commandId = argv[0] === undefined ? undefined : config.findCommand(argv[0])?.id
    const result: unknown = await run(argv, config)
    // Set before flushing, so that an early-closed pipe (EPIPE above) exits with the command's code.
    if (isRunResult(result)) process.exitCode = exitCodeFor(result)
    await flush()
  } catch (error) {
    process.exitCode = reportError(error, verbose, commandId, secrets)
  }
}

/**
 * Prints one `error: <object>: <what>; <fix>` line (usage errors add kubectl's "See '... --help' for usage.") and
 * returns the exit code. `commandId` names the subcommand whose help the usage line points at.
 */
export function reportError(error: unknown, verbose: boolean, commandId?: string, secrets = new Secrets()): number {
  const redactSecrets = (text: string) => secrets.redact(text)
  if (error instanceof Errors.ExitError) return exitCodeFor({kind: 'oclif-exit', code: error.oclif.exit ?? 0})
  const bin = displayName(isPluginMode())
  const help = commandId === undefined ? `${bin} --help` : `${bin} ${commandId} --help`
  if (error instanceof KvaError) {
    const message = normalizeUsageMessage(
      oneLine(redactSecrets(error.message)),
      error.kind === 'usage' ? (commandId ?? bin) : undefined,
    )
    const hint = error.hint ?? (error.kind === 'usage' ? `see '${help}'` : undefined)
    process.stderr.write(`error: ${message}${hint === undefined ? '' : `; ${oneLine(redactSecrets(hint))}`}\n`)
    if (verbose) writeVerbose(error, secrets)
    return exitCodeFor({kind: 'error', error: error.kind})
  }
  if (error instanceof Errors.CLIError && /^command \S+ not found/.test(error.message)) {
    const command = /^command (\S+) not found/.exec(error.message)![1]!.replaceAll(':', ' ')
    process.stderr.write(
      `error: ${shownValue(command)}: unknown command for "${bin}"; run '${bin} --help' for the commands\n`,
    )
    process.stderr.write(`See '${bin} --help' for usage.\n`)
    return exitCodeFor({kind: 'error', error: 'usage'})
  }
  if (error instanceof Errors.CLIError) {
    // oclif's own parse errors (unknown flag, missing argument): usage errors.
    process.stderr.write(
      `error: ${oneLine(redactSecrets(parseErrorLine(error, commandId ?? bin, help)))}\nSee '${help}' for usage.\n`,
    )
    // Every parse error is a usage error, whatever exit oclif picked ("Flag --x expects a value" is a plain CLIError
    // with exit 1); commands never raise CLIErrors of their own (they throw KvaErrors).
    return exitCodeFor({kind: 'error', error: 'usage'})
  }
  const message = error instanceof Error ? error.message : String(error)
  process.stderr.write(
    `error: internal error: ${oneLine(redactSecrets(message))}; this is a bug, rerun with --verbose and report it\n`,
  )
  if (verbose && error instanceof Error && error.stack) process.stderr.write(`${redactSecrets(error.stack)}\n`)
  return exitCodeFor({kind: 'error', error: 'internal'})
}

/**
 * Everything on stderr names objects read from files, the cluster or Prometheus (names, model IDs, messages): its
 * control characters are escaped at this one point, as kubectl escapes them (see escapeTerminal), so that no
 * warning, error or note can move the cursor, erase a line or set the terminal title. Newlines and tabs are kept.
 */
export function escapeStderr(stream: NodeJS.WriteStream = process.stderr): void {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean
  const escaping = (chunk: unknown, ...rest: unknown[]): boolean =>
    write(typeof chunk === 'string' ? escapeTerminal(chunk, {keepNewlines: true}) : chunk, ...rest)
  stream.write = escaping as typeof stream.write
}

/** oclif's parse errors, reworded as `<object>: <what>; <fix>`. */
function parseErrorLine(error: Errors.CLIError, command: string, help: string): string {
  const message = error.message.replace(/^Error: /, '')
  const flags = (error as {flags?: unknown}).flags
  if (/^Nonexistent flags?:/.test(message) && Array.isArray(flags)) {
    return `${flags.map(String).join(', ')}: unknown flag for "${command}"; run '${help}' for its flags`
  }
  const missingValue = /^Flag (--[\w-]+) expects a value/.exec(message)
  if (missingValue) return `${missingValue[1]}: needs a value; pass it as ${missingValue[1]}=VALUE`
  const args = (error as {args?: unknown}).args
  if (/^Missing \d+ required arg/.test(message) && Array.isArray(args)) {
    const names = args.map((arg: {name?: string}) => (arg.name ?? 'argument').toUpperCase())
    return `${names.join(' ')}: missing argument of "${command}"; run '${help}' for what to pass`
  }
  const unexpected = /^Unexpected arguments?: (.*)$/m.exec(message)
  if (unexpected) return `${shownValue(unexpected[1]!)}: unexpected argument of "${command}"; drop it, or run '${help}'`
  const first = message.split('\n')[0]?.trim() || 'invalid usage'
  return `${command}: ${first.replaceAll(';', ',')}; run '${help}'`
}

/**
 * Usage messages written as `invalid value "V" for --F: what` or `invalid --F "V": what` become `--F V: what`, and
 * a message with no object gets the command as its object: every line keeps the documented form.
 */
function normalizeUsageMessage(message: string, command: string | undefined): string {
  if (command === undefined) return message
  const legacy =
    /^invalid value "(.*)" for (--[\w-]+): (.+)$/.exec(message) ?? /^invalid (--[\w-]+) "(.*)": (.+)$/.exec(message)
  if (legacy) {
    const [flag, value] = legacy[1]!.startsWith('--') ? [legacy[1]!, legacy[2]!] : [legacy[2]!, legacy[1]!]
    return `${flag} ${shownValue(value)}: ${legacy[3]}`
  }
  return /^[^;]+: /.test(message) ? message : `${command}: ${message}`
}

/** One line: newlines become spaces, other control characters (ANSI escapes) are escaped as kubectl does. */
function oneLine(text: string): string {
  return escapeTerminal(text.replace(/\s*[\r\n]+\s*/g, ' '))
}

/** --verbose: the causes behind the error and where it was raised (secrets redacted). */
function writeVerbose(error: Error, secrets: Secrets): void {
  const redactSecrets = (text: string) => secrets.redact(text)
  let cause: unknown = error.cause
  for (let depth = 0; cause !== undefined && depth < 6; depth++) {
    const text = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)
    const code = (cause as {code?: unknown} | null)?.code
    process.stderr.write(`  cause: ${oneLine(redactSecrets(text))}${typeof code === 'string' ? ` (${code})` : ''}\n`)
    cause = cause instanceof Error ? cause.cause : undefined
  }
  if (error.stack) process.stderr.write(`${redactSecrets(error.stack)}\n`)
}

// Help and examples print `config.bin`; kubectl users should read `kubectl va ...`. Reading package.json here
// (rather than letting oclif do it) is the only way to set it before oclif builds its config.
function readPackageJson(bin: string) {
  const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  pjson.oclif.bin = bin
  return pjson
}
