import {UsageError} from '../core/errors.js'
import type {ReadClusterOptions} from '../core/read/kube/read-sources.js'
import {parseEvaluationTime} from '../core/read/prometheus/time.js'
import {type KubeFlagValues, toClusterReadOptions} from './kube-flags.js'
import {type PrometheusSettings, type PromFlagValues, toPrometheusSettings} from './prom-flags.js'

/** The parsed values of kubeFlags, promFlags and manifestFlags, as oclif returns them. */
export interface InputFlagValues extends KubeFlagValues, PromFlagValues {
  filename?: string[] | undefined
  recursive?: boolean | undefined
}

/** Where a command reads its VAs: -f manifests (offline), or the cluster and Prometheus. */
export type InputSource =
  | Readonly<{kind: 'manifests'; paths: readonly string[]; recursive: boolean | undefined}>
  | Readonly<{kind: 'cluster'; cluster: ReadClusterOptions; at: Date | undefined}>

/** What loadInputs and inspectInputs read, validated once. */
export type InputOptions = Readonly<{
  source: InputSource
  /** The VA names given as arguments. */
  names: readonly string[]
  /** -n (offline it filters the manifests' VAs; live it is in `cluster`). */
  namespace: string | undefined
  allNamespaces: boolean
  prometheus: PrometheusSettings
}>

/**
 * Flags → InputOptions, in the order the checks always ran: the Prometheus flags, then -f against the cluster
 * flags, then (live only) the kubeconfig and scope flags and --at. Pure apart from `env`; throws UsageError.
 */
export function inputOptions(
  flags: InputFlagValues,
  names: readonly string[],
  now: Date,
  env: NodeJS.ProcessEnv = process.env,
): InputOptions {
  const prometheus = toPrometheusSettings(flags, env)
  const common = {
    names: [...names],
    namespace: flags.namespace,
    allNamespaces: flags['all-namespaces'] === true,
    prometheus,
  }
  if (flags.filename && flags.filename.length > 0) {
    for (const flag of ['context', 'kubeconfig', 'cluster', 'user', 'prom-url', 'at'] as const) {
      if (flags[flag] !== undefined) {
        throw new UsageError(`--${flag}: cannot be combined with -f (manifests are read offline)`, {
          hint: `drop --${flag}, or drop -f to read the cluster`,
        })
      }
    }
    return {...common, source: {kind: 'manifests', paths: [...flags.filename], recursive: flags.recursive}}
  }
  const cluster = toClusterReadOptions(flags, names)
  const at = prometheus.at === undefined ? undefined : parseEvaluationTime(prometheus.at, now, 'at')
  return {...common, source: {kind: 'cluster', cluster, at}}
}

/**
 * The same options evaluated at another --at (a watch re-evaluates each poll with its own): undefined means now.
 * Offline options are returned as they are (-f takes no --at).
 */
export function atEvaluationTime(input: InputOptions, at: string | undefined, now: Date): InputOptions {
  if (input.source.kind !== 'cluster') return input
  const parsed = at === undefined ? undefined : parseEvaluationTime(at, now, 'at')
  return {...input, source: {...input.source, at: parsed}, prometheus: {...input.prometheus, at}}
}
