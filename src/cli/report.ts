import type {VaReport} from '../core/view/va-report.js'
import type {CommandInputs} from './load-inputs.js'
import {commandResult, type RunResult} from './exit-codes.js'
import {escapeTerminal} from '../core/render/format.js'

/** Warnings and per-document problems on stderr, one line each, before the product goes to stdout. */
export function reportInputProblems(inputs: CommandInputs, missingNames: readonly string[]): void {
  // One line each, whatever the file names and messages hold (a newline in a path is escaped, not printed).
  const line = (text: string) => escapeTerminal(text)
  const redact = (text: string) => inputs.secrets.redact(text)
  for (const warning of inputs.sources.warnings) process.stderr.write(`warning: ${line(redact(warning))}\n`)
  for (const problem of inputs.problems) {
    process.stderr.write(`error: ${line(problem.source)}: ${line(problem.message)}; ${line(problem.hint)}\n`)
  }
  for (const name of missingNames) {
    const fix = 'check the name, or list the VAs with kubectl va get -f'
    process.stderr.write(`error: variantautoscaling "${line(name)}": not found in the manifests; ${fix}\n`)
  }
  const prometheus = inputs.prometheus
  if (prometheus) {
    for (const warning of prometheus.warnings) {
      process.stderr.write(`warning: prometheus: ${line(redact(warning))}\n`)
    }
    if (prometheus.error) {
      const hint = prometheus.error.hint ? `; ${prometheus.error.hint}` : ''
      const message = line(redact(prometheus.error.message))
      process.stderr.write(`error: ${message}${line(redact(hint))} (metrics columns are unavailable)\n`)
    }
  }
}

/**
 * get, describe, snapshot: nothing stands when every named VA is missing; partial when an input, a name or a VA has
 * a problem. exitCodeFor puts a Prometheus failure first.
 */
export function inspectResult(
  inputs: CommandInputs,
  items: readonly Pick<VaReport, 'problems'>[],
  missingNames: readonly string[],
): RunResult {
  const prometheusFailed = Boolean(inputs.prometheus?.error)
  if (missingNames.length > 0 && items.length === 0) return commandResult(prometheusFailed, 'none')
  const failed = inputs.problems.length > 0 || missingNames.length > 0 || items.some((item) => item.problems.length > 0)
  return commandResult(prometheusFailed, failed ? 'partial' : 'all')
}

export function noResourcesMessage(inputs: CommandInputs, allNamespaces: boolean): string {
  if (inputs.mode === 'offline') return 'No VariantAutoscalings found in the manifests.'
  if (allNamespaces || inputs.namespace === undefined) return 'No resources found'
  return `No resources found in ${inputs.namespace} namespace.`
}

/**
 * One `error:` line for a problem of one VA (get, describe): `<object>: <what>; <fix>`, with a generic fix when the
 * problem names none.
 */
export function vaProblemLine(item: Pick<VaReport, 'namespace' | 'name' | 'variant'>, problem: string): string {
  // WVA v0.8+ variants may be annotated HPAs or ScaledObjects: name the object the user edits.
  const kind = item.variant?.kind ?? 'VariantAutoscaling'
  const resource = {HorizontalPodAutoscaler: 'hpa', ScaledObject: 'scaledobject'}[kind] ?? 'va'
  const edit = `kubectl edit ${resource} ${item.name} -n ${item.namespace}`
  const fix = /; \S/.test(problem) ? '' : `; fix its spec (in its manifest, or with "${edit}")`
  // One line, whatever the names hold: control characters and newlines are escaped as kubectl escapes them.
  return `error: ${kind.toLowerCase()} ${escapeTerminal(`${item.namespace}/${item.name}: ${problem}${fix}`)}\n`
}
