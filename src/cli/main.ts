import {Config, Errors, flush, run} from '@oclif/core'
import {readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {KvaError} from '../core/errors.js'
import {ExitCode, exitCodeFor} from './exit-codes.js'
import {displayName, isPluginMode} from './plugin-mode.js'
import {redactSecrets} from '../core/redact.js'
import {escapeTerminal} from '../core/render/format.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

/** The one place that turns a failure into a message on stderr and an exit code. */
export async function main(argv: string[]): Promise<void> {
  const verbose = argv.includes('--verbose')
  escapeStderr()
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    // `kubectl va get | head` closes the pipe early; that is not an error.
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
    throw error
  })
  try {
    const config = await Config.load({root, pjson: readPackageJson(displayName(isPluginMode()))})
    await run(argv, config)
    await flush()
  } catch (error) {
    process.exitCode = reportError(error, verbose)
  }
}

export function reportError(error: unknown, verbose: boolean): number {
  if (error instanceof Errors.ExitError) return error.oclif.exit ?? 0
  if (error instanceof KvaError) {
    const hint = error.hint ? `; ${error.hint}` : ''
    // One line, whatever the message quotes (a name or path holding a newline): escapeTerminal escapes it too.
    const line = (text: string) => escapeTerminal(redactSecrets(text))
    process.stderr.write(`error: ${line(error.message)}${line(hint)}\n`)
    if (verbose && error.stack) process.stderr.write(redactSecrets(error.stack) + '\n')
    return exitCodeFor(error.kind)
  }
  if (error instanceof Errors.CLIError && /^command \S+ not found/.test(error.message)) {
    const command = /^command (\S+) not found/.exec(error.message)![1]!.replaceAll(':', ' ')
    process.stderr.write(`error: unknown command "${command}" for "${displayName(isPluginMode())}"\nRun '${displayName(isPluginMode())} --help' for usage.\n`)
    return ExitCode.usage
  }
  if (error instanceof Errors.CLIError) {
    // oclif's own parse errors (unknown flag, missing argument): usage errors.
    const message = error.message.split('\n')[0]?.replace(/^Error: /, '') ?? 'invalid usage'
    process.stderr.write(`error: ${redactSecrets(message)}\nSee '${displayName(isPluginMode())} --help' for usage.\n`)
    if (verbose && error.stack) process.stderr.write(redactSecrets(error.stack) + '\n')
    // Every parse error is a usage error, whatever exit oclif picked: CLIParseError carries `parse`, and the parser
    // throws plain CLIErrors too ("Flag --filename expects a value", exit 1 otherwise).
    return 'parse' in error || /^Flag --/.test(message) ? ExitCode.usage : (error.oclif.exit ?? ExitCode.usage)
  }
  const message = error instanceof Error ? error.message : String(error)
  process.stderr.write(`error: internal error: ${redactSecrets(message)} (this is a bug; rerun with --verbose and report it)\n`)
  if (verbose && error instanceof Error && error.stack) process.stderr.write(redactSecrets(error.stack) + '\n')
  return ExitCode.internal
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

// Help and examples print `config.bin`; kubectl users should read `kubectl va ...`. Reading package.json here
// (rather than letting oclif do it) is the only way to set it before oclif builds its config.
function readPackageJson(bin: string) {
  const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  pjson.oclif.bin = bin
  return pjson
}
