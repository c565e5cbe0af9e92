import {UsageError} from '../core/errors.js'
import type {WhatIf} from '../core/model/what-if.js'
import {parseOutputFormat} from './base-command.js'
import {type ReplayFlagValues, type ReplayOptions, toReplayOptions} from './replay-flags.js'
import {toWhatIf, type WhatIfFlagValues} from './what-if-flags.js'
import {type PrintFlagValues, type PrintOptions, toPrintOptions} from './print-flags.js'
import {type InputFlagValues, type InputOptions, inputOptions} from './input-options.js'

export const simulateFormats = ['table', 'wide', 'json', 'yaml', 'csv'] as const
export type SimulateFormat = (typeof simulateFormats)[number]

export interface SimulateFlagValues extends InputFlagValues, WhatIfFlagValues, ReplayFlagValues, PrintFlagValues {
  output: string
  chart?: boolean | undefined
  'no-headers'?: boolean | undefined
}

/** Everything `kubectl va simulate` does after parsing, validated once. */
export type SimulateOptions = Readonly<{
  /** -o (a built-in format, custom-columns or jsonpath), --sort-by, -L, --show-labels. */
  print: PrintOptions<SimulateFormat>
  /** The built-in format (`table` for the template formats, which print through `print`). */
  output: SimulateFormat
  whatIf: WhatIf
  /** Instant, replay (--since/--from) or sweep (--sweep). */
  mode: ReplayOptions
  inputs: InputOptions
  /** --chart/--no-chart (undefined: the default, charts on). */
  chart: boolean | undefined
  noHeaders: boolean
}>

/**
 * simulate's flags and VA names → its options, checked in this order: -o and the print flags, the what-ifs, the
 * history and sweep flags, the print flags against a sweep or replay, then the input flags. Throws UsageError.
 */
export function simulateOptions(
  flags: SimulateFlagValues,
  argv: readonly unknown[],
  now: Date,
  env: NodeJS.ProcessEnv = process.env,
): SimulateOptions {
  const print = toPrintOptions(flags, (value) => parseOutputFormat<SimulateFormat>(value, simulateFormats))
  const whatIf = toWhatIf(flags)
  const mode = toReplayOptions(flags, now)
  if (mode.mode !== 'instant') {
    const used = [
      print.format.kind !== 'builtin' ? `-o ${print.format.kind}` : undefined,
      print.sortBy ? '--sort-by' : undefined,
      print.labelKeys.length > 0 ? '-L' : undefined,
      print.showLabels ? '--show-labels' : undefined,
    ].filter((flag) => flag !== undefined)
    if (used.length > 0) {
      throw new UsageError(`${used[0]}: only for a single instant, not with --sweep or --since/--from`, {
        hint: 'use -o csv or -o json for sweeps and replays',
      })
    }
  }
  const output: SimulateFormat = print.format.kind === 'builtin' ? print.format.format : 'table'
  const inputs = inputOptions(flags, argv as string[], now, env)
  return {print, output, whatIf, mode, inputs, chart: flags.chart, noHeaders: flags['no-headers'] === true}
}
