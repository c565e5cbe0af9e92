import {escapeTerminal} from '../core/render/format.js'
import {rfc3339} from '../core/view/replay.js'
import type {CommandInputs} from './load-inputs.js'

/**
 * What every list kind's JSON says about the run, for CI: when the metrics were evaluated, which Prometheus answered,
 * and the warnings printed on stderr (the same texts, without the `warning: ` prefix).
 */
export interface RunContext {
  /**
   * RFC 3339: the instant the metrics describe. Live: --at, else the time of the run; offline (-f): the latest
   * MetricsSnapshot's time, null without one (the output of the same files then never changes).
   */
  evaluationTime: string | null
  /** null offline (-f); url null when no Prometheus was found; error set when it could not be queried. */
  prometheus: {url: string | null; error: string | null} | null
  warnings: string[]
}

/** The run's context; `viewWarnings` are the command's own (the view's `warnings`), kept first and not repeated. */
export function runContext(inputs: CommandInputs, now: Date, viewWarnings: readonly string[] = []): RunContext {
  const redact = (text: string) => escapeTerminal(inputs.secrets.redact(text))
  const warnings = [...viewWarnings]
  const add = (text: string) => {
    if (!warnings.includes(text)) warnings.push(text)
  }
  for (const warning of inputs.sources.warnings) add(redact(warning))
  for (const warning of inputs.prometheus?.warnings ?? []) add(`prometheus: ${redact(warning)}`)
  const prometheus = inputs.prometheus
  return {
    evaluationTime: inputs.mode === 'offline' ? snapshotTime(inputs) : rfc3339((prometheus?.at ?? now).getTime()),
    prometheus:
      inputs.mode === 'offline' || !prometheus
        ? null
        : {
            url: prometheus.url ?? null,
            error: prometheus.error ? redact(`${prometheus.error.message}`) : null,
          },
    warnings,
  }
}

function snapshotTime(inputs: CommandInputs): string | null {
  const times = inputs.sources.metricsSnapshots
    .map((snapshot) => Date.parse(String(snapshot.time)))
    .filter((time) => Number.isFinite(time))
  return times.length === 0 ? null : rfc3339(Math.max(...times))
}
