import {Flags} from '@oclif/core'

import {flagValueError, shownValue, UsageError} from '../core/errors.js'
import type {ReadClusterOptions} from '../core/read/kube/read-sources.js'

const helpGroup = 'KUBECONFIG'

/** kubectl's kubeconfig and scope flags, with kubectl's names and meanings (cli-runtime ConfigFlags). */
export const kubeFlags = {
  kubeconfig: Flags.string({
    description: 'Path to the kubeconfig file to use (only this file; KUBECONFIG is not merged).',
    helpGroup,
  }),
  context: Flags.string({description: 'The name of the kubeconfig context to use.', helpGroup}),
  cluster: Flags.string({description: 'The name of the kubeconfig cluster to use.', helpGroup}),
  user: Flags.string({description: 'The name of the kubeconfig user to use.', helpGroup}),
  namespace: Flags.string({char: 'n', description: 'If present, the namespace scope for this CLI request.', helpGroup}),
  'all-namespaces': Flags.boolean({
    char: 'A',
    description:
      'If present, list VariantAutoscalings across all namespaces. Namespace in current context is ignored ' +
      'even if specified with --namespace.',
    helpGroup,
  }),
  selector: Flags.string({
    char: 'l',
    description:
      "Selector (label query) to filter on, supports '=', '==', '!=', 'in', 'notin' (e.g. -l key1=value1,key2=value2).",
    helpGroup,
  }),
  'request-timeout': Flags.string({
    description:
      'The length of time to wait before giving up on a single server request. Non-zero values should ' +
      "contain a corresponding time unit (e.g. 1s, 2m, 3h). A value of zero means don't timeout requests.",
    default: '0',
    helpGroup,
  }),
  'controller-namespace': Flags.string({
    description:
      'Namespace of the WVA controller and its ConfigMaps, when it cannot be found (default: discovered, ' +
      'else workload-variant-autoscaler-system).',
    helpGroup,
  }),
}

/** The parsed values of kubeFlags, as oclif returns them. */
export interface KubeFlagValues {
  kubeconfig?: string | undefined
  context?: string | undefined
  cluster?: string | undefined
  user?: string | undefined
  namespace?: string | undefined
  'all-namespaces'?: boolean | undefined
  selector?: string | undefined
  'request-timeout'?: string | undefined
  'controller-namespace'?: string | undefined
}

/**
 * Turns parsed flags (and the VA names given as arguments) into the options of readClusterSources, validated once.
 * Pure: reads no environment; KUBECONFIG and HOME are read when the kubeconfig is loaded. Throws UsageError.
 */
export function toClusterReadOptions(
  flags: KubeFlagValues,
  names: readonly string[] = [],
  env?: NodeJS.ProcessEnv,
): ReadClusterOptions {
  const selector = flags.selector?.trim() || undefined
  if (selector !== undefined && names.length > 0) {
    throw new UsageError('NAME: name cannot be provided when a selector is specified', {
      hint: 'pass VA names or -l SELECTOR, not both',
    })
  }
  for (const [flag, value] of [
    ['--namespace', flags.namespace],
    ['--controller-namespace', flags['controller-namespace']],
  ] as const) {
    if (value !== undefined && !isDnsLabel(value)) {
      throw flagValueError(
        flag,
        value,
        'not a valid namespace name',
        'use lowercase letters, digits and "-", at most 63 characters',
      )
    }
  }
  for (const name of names) {
    if (!isDnsSubdomain(name)) {
      throw new UsageError(`${shownValue(name)}: not a valid VariantAutoscaling name`, {
        hint: 'use lowercase letters, digits, "-" and ".", as in `kubectl get va`',
      })
    }
  }
  for (const flag of ['kubeconfig', 'context', 'cluster', 'user'] as const) {
    if (flags[flag] === '') {
      throw new UsageError(`--${flag}: needs a value`, {hint: `pass --${flag}=NAME, or leave the flag out`})
    }
  }
  const requestTimeoutMs = parseRequestTimeout(flags['request-timeout'] ?? '0')
  return {
    kubeconfig: {
      kubeconfig: flags.kubeconfig,
      context: flags.context,
      cluster: flags.cluster,
      user: flags.user,
      namespace: flags.namespace,
      ...(env ? {env} : {}),
    },
    allNamespaces: flags['all-namespaces'] === true,
    names: [...names],
    labelSelector: selector,
    controllerNamespace: flags['controller-namespace'],
    requestTimeoutMs,
  }
}

const durationUnitsMs: Record<string, number> = {ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000}

/**
 * kubectl's --request-timeout: "0" means no timeout (undefined); a bare integer is seconds (client-go accepts it); else
 * a Go duration such as 30s, 1m, 1m30s or 500ms. Returns milliseconds.
 */
export function parseRequestTimeout(value: string): number | undefined {
  const text = value.trim()
  const invalid = () =>
    flagValueError(
      '--request-timeout',
      value,
      'not a duration',
      'use a duration with a unit (e.g. 30s, 2m, 1h), or 0 for no timeout',
    )
  if (/^\d+$/.test(text)) {
    const seconds = Number(text)
    return seconds === 0 ? undefined : bounded(seconds * 1000)
  }
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(text)) throw invalid()
  let milliseconds = 0
  for (const match of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g))
    milliseconds += Number(match[1]) * durationUnitsMs[match[2]!]!
  if (milliseconds === 0) return undefined
  return bounded(Math.max(1, Math.round(milliseconds)))
}

/** Node's timers stop at 2^31-1 ms (24.8 days); anything longer is as good as kubectl's "no timeout". */
function bounded(milliseconds: number): number | undefined {
  return milliseconds > 2_147_483_647 ? undefined : milliseconds
}

function isDnsLabel(value: string): boolean {
  return /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value) && value.length <= 63
}

function isDnsSubdomain(value: string): boolean {
  return /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(value) && value.length <= 253
}
