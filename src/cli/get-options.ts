import {parseOutputFormat} from './base-command.js'
import {type InputFlagValues, type InputOptions, inputOptions} from './input-options.js'

export const getFormats = ['table', 'wide', 'json', 'yaml', 'name'] as const
export type GetFormat = (typeof getFormats)[number]

export interface GetFlagValues extends InputFlagValues {
  output: string
  'no-headers'?: boolean | undefined
  'no-color'?: boolean | undefined
}

/** Everything `kubectl va get` does after parsing, validated once. */
export type GetOptions = Readonly<{
  output: GetFormat
  inputs: InputOptions
  noHeaders: boolean
  noColor: boolean
}>

/** get's flags and VA names → its options: -o first, then the input flags (as inputOptions). Throws UsageError. */
export function getOptions(
  flags: GetFlagValues,
  argv: readonly unknown[],
  now: Date,
  env: NodeJS.ProcessEnv = process.env,
): GetOptions {
  const output = parseOutputFormat(flags.output, getFormats)
  return {
    output,
    inputs: inputOptions(flags, argv as string[], now, env),
    noHeaders: flags['no-headers'] === true,
    noColor: flags['no-color'] === true,
  }
}
