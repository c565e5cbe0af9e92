import {type InputFlagValues, type InputOptions, inputOptions} from './input-options.js'

export interface SnapshotFlagValues extends InputFlagValues {
  'output-file'?: string | undefined
}

/** Everything `kubectl va snapshot` does after parsing, validated once. */
export type SnapshotOptions = Readonly<{
  inputs: InputOptions
  /** --output-file (undefined: stdout); checked on disk by the command before the cluster is read. */
  outputFile: string | undefined
}>

/** snapshot's flags and VA names → its options (snapshot has no -f: it always reads the cluster). */
export function snapshotOptions(
  flags: SnapshotFlagValues,
  argv: readonly unknown[],
  now: Date,
  env: NodeJS.ProcessEnv = process.env,
): SnapshotOptions {
  return {inputs: inputOptions(flags, argv as string[], now, env), outputFile: flags['output-file']}
}
