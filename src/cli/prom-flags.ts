import {Flags} from '@oclif/core'

import {flagValueError, KvaError, shownValue, UsageError} from '../core/errors.js'
import {parsePromDurationMs} from '../core/read/prometheus/duration.js'
import {stripUrlUserinfo} from '../core/redact.js'
import type {PrometheusRequest} from '../core/run/gather.js'

const helpGroup = 'PROMETHEUS'

/** How to reach Prometheus and what to query. Env equivalents: KUBECTL_VA_PROM_URL, KUBECTL_VA_PROM_TOKEN, ... */
export const promFlags = {
  'prom-url': Flags.string({
    description:
      'Prometheus URL (default: $KUBECTL_VA_PROM_URL, else the controller ConfigMap PROMETHEUS_BASE_URL ' +
      'through the API server proxy, else a well-known monitoring Service).',
    helpGroup,
  }),
  'prom-token': Flags.string({
    description: 'Bearer token for Prometheus (env KUBECTL_VA_PROM_TOKEN). Never printed.',
    helpGroup,
  }),
  'prom-token-file': Flags.string({
    description:
      'File holding the bearer token (env KUBECTL_VA_PROM_TOKEN_FILE), read at each run and every minute: a ' +
      'token a sidecar or script refreshes (managed Prometheus, see docs/backends.md) is picked up. Never printed.',
    helpGroup,
  }),
  'prom-header': Flags.string({
    description: "Extra HTTP header, 'Name: value' (repeatable).",
    multiple: true,
    multipleNonGreedy: true,
    helpGroup,
  }),
  'prom-ca-file': Flags.string({
    description: 'CA bundle to verify Prometheus (env KUBECTL_VA_PROM_CA_FILE).',
    helpGroup,
  }),
  'prom-cert-file': Flags.string({description: 'Client certificate for Prometheus (mTLS).', helpGroup}),
  'prom-key-file': Flags.string({description: 'Client key for Prometheus (mTLS).', helpGroup}),
  'prom-insecure-skip-verify': Flags.boolean({
    description: "Do not verify Prometheus' TLS certificate (insecure).",
    helpGroup,
  }),
  'prom-timeout': Flags.string({
    description: 'Timeout of each Prometheus request, e.g. 10s.',
    default: '15s',
    helpGroup,
  }),
  'prom-max-points': Flags.string({
    description:
      'Most points per series in one range request; longer ranges are split and stitched (Prometheus allows ' +
      '11,000 steps, VictoriaMetrics 30,000 points by default; see docs/backends.md).',
    default: '11000',
    helpGroup,
  }),
  'prom-retries': Flags.string({
    description:
      'Retries of a request answered 429, 502, 503 or 504 or whose connection was reset, with exponential ' +
      'backoff and jitter, honouring Retry-After, within 30s (0: none).',
    default: '3',
    helpGroup,
  }),
  window: Flags.string({
    description: 'Rate window of the collector queries, as the controller uses (e.g. 1m, 5m).',
    default: '1m',
    helpGroup,
  }),
  at: Flags.string({
    description: 'Evaluate the metrics at this time: RFC 3339, Unix seconds, or relative like -15m.',
    helpGroup,
  }),
  'no-metrics': Flags.boolean({description: 'Do not query Prometheus (cluster view only).', helpGroup}),
  'wva-compat': Flags.boolean({
    description:
      "Compute with the controller's own (possibly wrong) inputs for its version, e.g. 0 input tokens at v0.0.1.",
    helpGroup,
  }),
}

/** describe only: the other commands print no queries. */
export const showQueriesFlag = {
  'show-queries': Flags.boolean({description: 'Print the PromQL used, to paste into Grafana.', helpGroup}),
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
  'prom-max-points'?: string | undefined
  'prom-retries'?: string | undefined
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
  if (flags['prom-url'] !== undefined) checkUrl(flags['prom-url'])
  for (const header of flags['prom-header'] ?? []) checkHeader(header)
  const window = flags.window ?? '1m'
  checkWindow(window)
  const timeoutText = flags['prom-timeout'] ?? '15s'
  const timeoutMs = parseTimeout(timeoutText)
  const maxPointsPerRequest = parseCount('--prom-max-points', flags['prom-max-points'] ?? '11000', 2, 1_000_000)
  const retries = parseCount('--prom-retries', flags['prom-retries'] ?? '3', 0, 10)
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
    insecureSkipTlsVerify:
      flags['prom-insecure-skip-verify'] === true || env.KUBECTL_VA_PROM_INSECURE_SKIP_VERIFY === 'true',
    timeoutMs,
    tuning: {timeoutText, maxPointsPerRequest, retry: {retries}},
    window,
    at: flags.at,
    wvaCompat: flags['wva-compat'] === true,
    showQueries: flags['show-queries'] === true,
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}

/**
 * One `Name: value` header: an HTTP token as the name, a value on one line (a CR or LF would smuggle a second header
 * into the request). The value is never quoted: it may be a credential.
 */
function checkHeader(header: string): void {
  const colon = header.indexOf(':')
  const name = colon > 0 ? header.slice(0, colon).trim() : ''
  const shown = name === '' ? 'value' : shownValue(name)
  if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name) || header.slice(colon + 1).trim() === '') {
    throw new UsageError(`--prom-header ${shown}: not a header`, {
      hint: "write it as 'Name: value', e.g. --prom-header 'X-Scope-OrgID: tenant-a'",
    })
  }
  if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(header)) {
    throw new UsageError(`--prom-header ${shown}: the value holds a line break or control character`, {
      hint: 'pass the header value on one line',
    })
  }
}

/** --window: a Prometheus duration (units largest first, integers), more than zero. */
function checkWindow(window: string): void {
  try {
    parsePromDurationMs(window)
  } catch (error) {
    if (!(error instanceof KvaError)) throw error
    const zero = /must be positive/.test(error.message)
    throw flagValueError(
      '--window',
      window,
      zero ? 'must be more than zero' : 'not a Prometheus duration',
      'use e.g. --window 1m or 5m',
    )
  }
}

const timeoutUnitsMs: Readonly<Record<string, number>> = {ms: 1, s: 1000, m: 60_000, h: 3_600_000}
const maxTimeoutMs = 24 * 3_600_000

/** --prom-timeout: a duration such as 10s, 500ms or 1m30s, more than zero and at most 24h. Returns milliseconds. */
function parseTimeout(timeout: string): number {
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(timeout)) {
    throw flagValueError('--prom-timeout', timeout, 'not a duration', 'use e.g. --prom-timeout 15s or 500ms')
  }
  let timeoutMs = 0
  for (const [, amount, unit] of timeout.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    timeoutMs += Number(amount) * timeoutUnitsMs[unit!]!
  }
  if (!(timeoutMs >= 1)) {
    throw flagValueError('--prom-timeout', timeout, 'must be at least 1ms', 'use e.g. --prom-timeout 15s')
  }
  if (timeoutMs > maxTimeoutMs) {
    throw flagValueError('--prom-timeout', timeout, 'must be at most 24h', 'use e.g. --prom-timeout 15s')
  }
  return Math.round(timeoutMs)
}

/** A whole number flag within [min, max]. */
function parseCount(flag: string, text: string, min: number, max: number): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN
  if (!Number.isSafeInteger(value)) {
    throw flagValueError(flag, text, 'not a whole number', `use e.g. ${flag} ${min === 0 ? 3 : 11000}`)
  }
  if (value < min || value > max) {
    throw flagValueError(flag, text, `must be between ${min} and ${max}`, `use e.g. ${flag} ${min === 0 ? 3 : 11000}`)
  }
  return value
}

/** --prom-url: an http(s) URL (its userinfo, if any, is never shown). */
function checkUrl(text: string): void {
  let url: URL | undefined
  try {
    url = new URL(text.trim())
  } catch {
    url = undefined
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw flagValueError(
      '--prom-url',
      stripUrlUserinfo(text),
      'not an http or https URL',
      'pass e.g. --prom-url=http://localhost:9090',
    )
  }
}
