import {UsageError} from '../core/errors.js'
import type {WhatIf} from '../core/model/what-if.js'
import {parseOutputFormat} from './base-command.js'
import {type ReplayFlagValues, type ReplayOptions, toReplayOptions} from './replay-flags.js'
import {toWhatIf, type WhatIfFlagValues} from './what-if-flags.js'
import {type InputFlagValues, type InputOptions, inputOptions} from './input-options.js'

export const simulateFormats = ['table', 'wide', 'json', 'yaml', 'csv'] as const
export type SimulateFormat = (typeof simulateFormats)[number]

export interface SimulateFlagValues extends InputFlagValues, WhatIfFlagValues, ReplayFlagValues {
  output: string
  chart?: boolean | undefined
  'no-headers'?: boolean | undefined
}

/** Everything `kubectl va simulate` does after parsing, validated once. */
export type SimulateOptions = Readonly<{
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
 * simulate's flags and VA names → its options, checked in the order they always were: -o, the what-ifs, the
 * history and sweep flags, -o csv against an instant, then the input flags. Throws UsageError.
 */
export function simulateOptions(
  flags: SimulateFlagValues,
  argv: readonly unknown[],
  now: Date,
  env: NodeJS.ProcessEnv = process.env,
): SimulateOptions {
  const output = parseOutputFormat(flags.output, simulateFormats)
  const whatIf = toWhatIf(flags)
  const mode = toReplayOptions(flags, now)
  if (output === 'csv' && mode.mode === 'instant') {
    throw new UsageError('-o csv: only for --sweep and --since/--from output', {
      hint: 'use -o json or -o yaml for a single instant',
    })
  }
  const inputs = inputOptions(flags, argv as string[], now, env)
  return {output, whatIf, mode, inputs, chart: flags.chart, noHeaders: flags['no-headers'] === true}
}
