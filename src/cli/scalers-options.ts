import {UsageError} from '../core/errors.js'
import type {ReadClusterOptions} from '../core/read/kube/read-sources.js'
import {parseEvaluationTime} from '../core/read/prometheus/time.js'
import {parseOutputFormat} from './base-command.js'
import {type KubeFlagValues, toClusterReadOptions} from './kube-flags.js'
import {type PrometheusSettings, type PromFlagValues, toPrometheusSettings} from './prom-flags.js'
import {type ReplayFlagValues, type ReplayOptions, toReplayOptions} from './replay-flags.js'
import {checkScalerName, type ScalerFlagValues, type ScalerOptions, toScalerOptions} from './scaler-flags.js'

export const scalersFormats = ['table', 'wide', 'json', 'yaml', 'csv'] as const
export type ScalersFormat = (typeof scalersFormats)[number]

export interface ScalersFlagValues extends KubeFlagValues, PromFlagValues, ScalerFlagValues, ReplayFlagValues {
  output: string
  filename?: string[] | undefined
  recursive?: boolean | undefined
  chart?: boolean | undefined
  'no-headers'?: boolean | undefined
}

/** Where scalers reads: -f manifests with ScalerMetrics (offline), or the cluster and Prometheus. */
export type ScalersSource =
  | Readonly<{kind: 'manifests'; paths: readonly string[]; recursive: boolean | undefined}>
  | Readonly<{kind: 'cluster'; cluster: ReadClusterOptions}>

/** Everything `kubectl va scalers` does after parsing, validated once. */
export type ScalersOptions = Readonly<{
  output: ScalersFormat
  names: readonly string[]
  /** The what-if and comparison flags. */
  scaler: ScalerOptions
  /** Instant (list) or replay (--since/--from); scalers has no --sweep. */
  mode: ReplayOptions
  source: ScalersSource
  prometheus: PrometheusSettings
  /** --at in Unix milliseconds. */
  atMs: number | undefined
  /** -n, unless -A. */
  namespace: string | undefined
  allNamespaces: boolean
  chart: boolean | undefined
  noHeaders: boolean
}>

/**
 * scalers' flags and names → its options, checked in the order they always were: -o, the names, the what-ifs, the
 * history flags and their combinations, -l against names, the Prometheus flags and --at, then -f against the
 * cluster flags or (live) the kubeconfig and scope flags. Throws UsageError.
 */
export function scalersOptions(
  flags: ScalersFlagValues,
  argv: readonly unknown[],
  now: Date,
  env: NodeJS.ProcessEnv = process.env,
): ScalersOptions {
  const output = parseOutputFormat(flags.output, scalersFormats)
  const names = [...(argv as string[])]
  for (const name of names) checkScalerName(name)
  const scaler = toScalerOptions(flags)
  const mode = toReplayOptions({since: flags.since, from: flags.from, to: flags.to, step: flags.step}, now)
  if (mode.mode !== 'replay' && scaler.anyWhatIf) {
    throw new UsageError(
      '--threshold/--min/--max/--stabilization/--policy/--scaler-file/--why: need --since or --from',
      {
        hint: 'replay history, e.g. --since 1d',
      },
    )
  }
  if (mode.mode === 'replay' && names.length === 0) {
    throw new UsageError('--since/--from: name the scalers to replay', {
      hint: 'e.g. kubectl va scalers NAME --since 1d',
    })
  }
  if (flags.selector !== undefined && names.length > 0) {
    throw new UsageError('NAME: name cannot be provided when a selector is specified', {
      hint: 'pass scaler names or -l SELECTOR, not both',
    })
  }
  const prometheus = toPrometheusSettings(flags, env)
  const atMs = prometheus.at === undefined ? undefined : parseEvaluationTime(prometheus.at, now, 'at').getTime()
  const allNamespaces = flags['all-namespaces'] === true
  const common = {
    output,
    names,
    scaler,
    mode,
    prometheus,
    atMs,
    namespace: allNamespaces ? undefined : flags.namespace,
    allNamespaces,
    chart: flags.chart,
    noHeaders: flags['no-headers'] === true,
  }
  if (flags.filename !== undefined && flags.filename.length > 0) {
    for (const flag of ['context', 'kubeconfig', 'cluster', 'user', 'prom-url'] as const) {
      if (flags[flag] !== undefined) {
        throw new UsageError(`--${flag}: cannot be combined with -f (manifests are read offline)`, {
          hint: `drop --${flag}, or drop -f to read the cluster`,
        })
      }
    }
    return {...common, source: {kind: 'manifests', paths: [...flags.filename], recursive: flags.recursive}}
  }
  return {...common, source: {kind: 'cluster', cluster: toClusterReadOptions(flags, [])}}
}
