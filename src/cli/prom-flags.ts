import {Flags} from '@oclif/core'

import {UsageError} from '../core/errors.js'
import type {PrometheusRequest} from '../core/inspect/gather.js'

const helpGroup = 'PROMETHEUS'

/** How to reach Prometheus and what to query. Env equivalents: KUBECTL_VA_PROM_URL, KUBECTL_VA_PROM_TOKEN, ... */
export const promFlags = {
  'prom-url': Flags.string({description: 'Prometheus URL (default: $KUBECTL_VA_PROM_URL, else the controller ConfigMap PROMETHEUS_BASE_URL through the API server proxy, else a well-known monitoring Service).', helpGroup}),
  'prom-token': Flags.string({description: 'Bearer token for Prometheus (env KUBECTL_VA_PROM_TOKEN). Never printed.', helpGroup}),
  'prom-token-file': Flags.string({description: 'File holding the bearer token (env KUBECTL_VA_PROM_TOKEN_FILE).', helpGroup}),
  'prom-header': Flags.string({description: "Extra HTTP header, 'Name: value' (repeatable).", multiple: true, multipleNonGreedy: true, helpGroup}),
  'prom-ca-file': Flags.string({description: 'CA bundle to verify Prometheus (env KUBECTL_VA_PROM_CA_FILE).', helpGroup}),
  'prom-cert-file': Flags.string({description: 'Client certificate for Prometheus (mTLS).', helpGroup}),
  'prom-key-file': Flags.string({description: 'Client key for Prometheus (mTLS).', helpGroup}),
  'prom-insecure-skip-verify': Flags.boolean({description: "Do not verify Prometheus' TLS certificate (insecure).", helpGroup}),
  'prom-timeout': Flags.string({description: 'Timeout of each Prometheus request, e.g. 10s.', default: '15s', helpGroup}),
  window: Flags.string({description: 'Rate window of the collector queries, as the controller uses (e.g. 1m, 5m).', default: '1m', helpGroup}),
  at: Flags.string({description: 'Evaluate the metrics at this time: RFC 3339, Unix seconds, or relative like -15m.', helpGroup}),
  'no-metrics': Flags.boolean({description: 'Do not query Prometheus (cluster view only).', helpGroup}),
  'wva-compat': Flags.boolean({description: "Compute with the controller's own (possibly wrong) inputs for its version, e.g. 0 input tokens at v0.0.1.", helpGroup}),
  'show-queries': Flags.boolean({description: 'Print the PromQL used (describe).', helpGroup}),
}

export interface PromFlagValues {
  'prom-url'?: string | undefined
  'prom-token'?: string | undefined
  'prom-token-file'?: string | undefined
  'prom-header'?: string[] | undefined
  'prom-ca-file'?: string | undefined
  'prom-cert-file'?: string | undefined
  'prom-key-file'?: string | undefined
  'prom-insecure-skip-verify'?: boolean | undefined
  'prom-timeout'?: string | undefined
  window?: string | undefined
  at?: string | undefined
  'no-metrics'?: boolean | undefined
  'wva-compat'?: boolean | undefined
  'show-queries'?: boolean | undefined
}

/** The core request, before `--at` is parsed (it needs the clock), plus describe's --show-queries. */
export interface PrometheusSettings extends Omit<PrometheusRequest, 'at' | 'podBreakdown' | 'replay'> {
  at: string | undefined
  showQueries: boolean
}

/** Flags first, then KUBECTL_VA_PROM_* environment variables. Pure apart from the env argument. */
export function toPrometheusSettings(flags: PromFlagValues, env: NodeJS.ProcessEnv = process.env): PrometheusSettings {
  for (const header of flags['prom-header'] ?? []) {
    if (!/^[A-Za-z0-9-]+:\s*\S/.test(header)) throw new UsageError(`invalid --prom-header "${header.split(':')[0]}": expected 'Name: value'`)
  }
  const window = flags.window ?? '1m'
  if (!/^(\d+(ms|s|m|h|d|w|y))+$/.test(window)) throw new UsageError(`invalid --window "${window}": expected a Prometheus duration such as 1m or 5m`)
  const timeout = flags['prom-timeout'] ?? '15s'
  const timeoutMatch = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(timeout)
  if (!timeoutMatch) throw new UsageError(`invalid --prom-timeout "${timeout}": expected a duration such as 10s or 500ms`)
  const timeoutMs = Number(timeoutMatch[1]) * {ms: 1, s: 1000, m: 60_000}[timeoutMatch[2] as 'ms' | 's' | 'm']
  return {
    enabled: flags['no-metrics'] !== true,
    url: flags['prom-url'],
    envUrl: nonEmpty(env.KUBECTL_VA_PROM_URL),
    bearerToken: flags['prom-token'] ?? nonEmpty(env.KUBECTL_VA_PROM_TOKEN),
    bearerTokenFile: flags['prom-token-file'] ?? nonEmpty(env.KUBECTL_VA_PROM_TOKEN_FILE),
    headers: flags['prom-header'] ?? [],
    caFile: flags['prom-ca-file'] ?? nonEmpty(env.KUBECTL_VA_PROM_CA_FILE),
    certFile: flags['prom-cert-file'] ?? nonEmpty(env.KUBECTL_VA_PROM_CERT_FILE),
    keyFile: flags['prom-key-file'] ?? nonEmpty(env.KUBECTL_VA_PROM_KEY_FILE),
    insecureSkipTlsVerify: flags['prom-insecure-skip-verify'] === true || env.KUBECTL_VA_PROM_INSECURE_SKIP_VERIFY === 'true',
    timeoutMs,
    window,
    at: flags.at,
    wvaCompat: flags['wva-compat'] === true,
    showQueries: flags['show-queries'] === true,
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}
