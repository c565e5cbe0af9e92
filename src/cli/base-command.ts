import {Command, type Config, Flags} from '@oclif/core'

import {flagValueError} from '../core/errors.js'
import {Secrets} from '../core/redact.js'
import {OutputWriter} from './output.js'

const secretsOfRun = Symbol('kubectl-va secrets of this run')

/** main() creates one Secrets registry per run and hands it to the command with the run's oclif Config. */
export function attachSecrets(config: Config, secrets: Secrets): void {
  Object.defineProperty(config, secretsOfRun, {value: secrets})
}

export const outputFormats = ['table', 'wide', 'json', 'yaml', 'name', 'csv'] as const
export type OutputFormat = (typeof outputFormats)[number]

/** Flags every command has. `--verbose` is read before parsing too, by main(), to show stacks. */
export const globalFlags = {
  verbose: Flags.boolean({
    description: 'Show stack traces and request details on errors (secrets stay redacted).',
    helpGroup: 'GLOBAL',
  }),
  'no-color': Flags.boolean({
    description: 'Disable colour (also NO_COLOR=1, or when stdout is not a terminal).',
    helpGroup: 'GLOBAL',
  }),
}

export function outputFlag(allowed: readonly OutputFormat[], description?: string) {
  return Flags.string({
    char: 'o',
    description: description ?? `Output format: ${allowed.join('|')}.`,
    default: 'table',
    helpGroup: 'OUTPUT',
  })
}

/** Validated after parsing: oclif rewrites errors thrown from a flag's parse() into a multi-line message. */
export function parseOutputFormat<T extends OutputFormat>(value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T
  const shown = allowed.filter((format) => format !== 'table')
  throw flagValueError('-o', value, 'unknown output format', `use one of ${shown.join(',')}`)
}

/**
 * Base of every command: writes the product to stdout through `out` (cli/output.ts) and everything else to stderr,
 * and never decides exit codes (main() does, from typed errors).
 */
export abstract class BaseCommand extends Command {
  static override baseFlags = globalFlags

  #secrets: Secrets | undefined

  /** The run's secrets: what reads a token adds it, and main() redacts it from every error. */
  protected get secrets(): Secrets {
    this.#secrets ??= (this.config as Config & {[secretsOfRun]?: Secrets})[secretsOfRun] ?? new Secrets()
    return this.#secrets
  }

  /** The one writer of the product (cli/output.ts). */
  protected readonly out = new OutputWriter()

  protected warnLine(text: string): void {
    process.stderr.write(`warning: ${text}\n`)
  }

  protected useColor(noColorFlag: boolean): boolean {
    if (noColorFlag) return false
    if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false
    return this.out.isTerminal
  }

  // oclif would print its own error and exit; main() handles errors instead.
  protected override async catch(error: Error & {exitCode?: number}): Promise<unknown> {
    throw error
  }
}
