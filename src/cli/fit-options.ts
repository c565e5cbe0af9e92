import {UsageError} from '../core/errors.js'
import type {ReadClusterOptions} from '../core/read/kube/read-sources.js'
import {parseOutputFormat} from './base-command.js'
import {type FitFlagValues, type FitOptions, toFitOptions} from './fit-flags.js'
import {type KubeFlagValues, toClusterReadOptions} from './kube-flags.js'
import {type PrometheusSettings, type PromFlagValues, toPrometheusSettings} from './prom-flags.js'

export const fitFormats = ['table', 'json', 'yaml'] as const
export type FitFormat = (typeof fitFormats)[number]

export interface FitCommandFlagValues extends FitFlagValues, KubeFlagValues, Omit<PromFlagValues, 'window'> {
  output: string
  chart?: boolean | undefined
}

/** Where fit reads: Prometheus (and the cluster for a VA's scope, or to find Prometheus). */
export type FitLiveOptions = Readonly<{
  prometheus: PrometheusSettings
  /** undefined: --model with --prom-url (or KUBECTL_VA_PROM_URL) needs no cluster. */
  cluster: ReadClusterOptions | undefined
}>

/** Everything `kubectl va fit` does after parsing, validated once. */
export type FitCommandOptions = Readonly<{
  output: FitFormat
  fit: Readonly<FitOptions>
  /** The VA named as the argument. */
  name: string | undefined
  /** --model ID. */
  model: string | undefined
  namespace: string | undefined
  chart: boolean | undefined
  /** undefined offline (-f with a capture). */
  live: FitLiveOptions | undefined
}>

/**
 * fit's flags and VA name → its options, checked in the order they always were: -o, the fit flags, NAME against
 * --model, -f against the cluster flags; live, the Prometheus flags, --model against -n, then the kubeconfig flags.
 * Throws UsageError.
 */
export function fitOptions(
  flags: FitCommandFlagValues,
  name: string | undefined,
  now: Date,
  env: NodeJS.ProcessEnv = process.env,
): FitCommandOptions {
  const output = parseOutputFormat(flags.output, fitFormats)
  const fit = toFitOptions(flags, now)
  if (name !== undefined && flags.model !== undefined)
    throw new UsageError('NAME and --model: cannot be used together', {hint: 'name a VA, or pass --model ID'})
  const offline = fit.captures.length > 0
  if (name === undefined && flags.model === undefined && !offline)
    throw new UsageError('fit: needs a VariantAutoscaling NAME or --model ID', {
      hint: 'e.g. kubectl va fit my-va -n llm',
    })
  const common = {output, fit, name, model: flags.model, namespace: flags.namespace, chart: flags.chart}
  if (offline) {
    for (const flag of ['context', 'kubeconfig', 'cluster', 'user', 'prom-url'] as const) {
      if (flags[flag] !== undefined)
        throw new UsageError(`--${flag}: cannot be combined with -f (the capture is read offline)`, {
          hint: `drop --${flag}, or drop -f to read Prometheus`,
        })
    }
    return {...common, live: undefined}
  }
  const prometheus = toPrometheusSettings(flags, env)
  if (flags.model !== undefined && flags.namespace === undefined)
    throw new UsageError('--model: needs -n NAMESPACE', {
      hint: 'the vLLM series are matched by namespace and model_name',
    })
  const needCluster = name !== undefined || (prometheus.url === undefined && prometheus.envUrl === undefined)
  const cluster = needCluster ? toClusterReadOptions(flags, name === undefined ? [] : [name]) : undefined
  return {...common, live: {prometheus, cluster}}
}
