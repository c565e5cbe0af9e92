import type {VaReport} from '../core/inspect/va-report.js'
import type {CommandInputs} from './load-inputs.js'
import {ExitCode, type ExitCodeValue} from './exit-codes.js'
import {redactSecrets} from '../core/redact.js'

/** Warnings and per-document problems on stderr, one line each, before the product goes to stdout. */
export function reportInputProblems(inputs: CommandInputs, missingNames: readonly string[]): void {
  for (const warning of inputs.sources.warnings) process.stderr.write(`warning: ${redactSecrets(warning)}\n`)
  for (const problem of inputs.problems) process.stderr.write(`error: ${problem.source}: ${problem.message}\n`)
  for (const name of missingNames) process.stderr.write(`error: variantautoscaling "${name}" not found in the manifests\n`)
  const prometheus = inputs.prometheus
  if (prometheus) {
    for (const warning of prometheus.warnings) process.stderr.write(`warning: prometheus: ${redactSecrets(warning)}\n`)
    if (prometheus.error) {
      const hint = prometheus.error.hint ? `; ${prometheus.error.hint}` : ''
      process.stderr.write(`error: ${redactSecrets(prometheus.error.message)}${redactSecrets(hint)} (metrics columns are unavailable)\n`)
    }
  }
}

/** Prometheus failures win (5), then partial results (6); undefined means success. */
export function finishExitCode(inputs: CommandInputs, items: readonly Pick<VaReport, 'problems'>[], missingNames: readonly string[]): ExitCodeValue | undefined {
  if (inputs.prometheus?.error) return ExitCode.prometheus
  if (missingNames.length > 0 && items.length === 0) return ExitCode.input
  if (inputs.problems.length > 0 || missingNames.length > 0 || items.some((item) => item.problems.length > 0)) return ExitCode.partial
  return undefined
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
export function vaProblemLine(item: Pick<VaReport, 'namespace' | 'name'>, problem: string): string {
  const edit = `kubectl edit va ${item.name} -n ${item.namespace}`
  const fix = /; \S/.test(problem) ? '' : `; fix its spec (in its manifest, or with "${edit}")`
  return `error: variantautoscaling ${item.namespace}/${item.name}: ${problem}${fix}\n`
}
