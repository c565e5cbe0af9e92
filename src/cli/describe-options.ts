import {parseOutputFormat} from './base-command.js'
import {type InputFlagValues, type InputOptions, inputOptions} from './input-options.js'

export const describeFormats = ['table', 'json', 'yaml'] as const
export type DescribeFormat = (typeof describeFormats)[number]

export interface DescribeFlagValues extends InputFlagValues {
  output: string
}

/** Everything `kubectl va describe` does after parsing, validated once. */
export type DescribeOptions = Readonly<{
  output: DescribeFormat
  inputs: InputOptions
  /** --show-queries: print the PromQL under each VA. */
  showQueries: boolean
}>

/** describe's flags and VA names → its options: -o first, then the input flags. Throws UsageError. */
export function describeOptions(
  flags: DescribeFlagValues,
  argv: readonly unknown[],
  now: Date,
  env: NodeJS.ProcessEnv = process.env,
): DescribeOptions {
  const output = parseOutputFormat(flags.output, describeFormats)
  const inputs = inputOptions(flags, argv as string[], now, env)
  return {output, inputs, showQueries: inputs.prometheus.showQueries}
}
