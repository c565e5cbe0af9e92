import type {ErrorKind} from '../core/errors.js'

/** Exit codes of kubectl-va. Documented in docs/exit-codes.md: change both together. */
export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  input: 3,
  cluster: 4,
  prometheus: 5,
  partial: 6,
} as const satisfies Record<ErrorKind | 'ok', number>

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

/** How much of what was asked for stands: every result, some of them, or none. */
export type Completeness = 'all' | 'partial' | 'none'

/**
 * How a run ended, as facts: a command returns one (`result`), main() makes one from a failure (`error`, or oclif's
 * own `oclif-exit` for help and version). exitCodeFor is the one place that turns it into an exit code.
 */
export type RunResult =
  | {readonly kind: 'result'; readonly prometheusFailed: boolean; readonly complete: Completeness}
  | {readonly kind: 'error'; readonly error: ErrorKind}
  | {readonly kind: 'oclif-exit'; readonly code: number}

/** A command's result: Prometheus failure first, then nothing computed (input), then some failed (partial). */
export function commandResult(prometheusFailed: boolean, complete: Completeness): RunResult {
  return {kind: 'result', prometheusFailed, complete}
}

/** The only place that decides an exit code (docs/exit-codes.md). */
export function exitCodeFor(result: RunResult): number {
  switch (result.kind) {
    case 'error':
      return ExitCode[result.error]
    case 'oclif-exit':
      return result.code
    case 'result':
      if (result.prometheusFailed) return ExitCode.prometheus
      if (result.complete === 'none') return ExitCode.input
      return result.complete === 'partial' ? ExitCode.partial : ExitCode.ok
  }
}

/** Whether a command's return value is a RunResult (commands that print only, like version, return nothing). */
export function isRunResult(value: unknown): value is RunResult {
  if (typeof value !== 'object' || value === null || !('kind' in value)) return false
  return value.kind === 'result' || value.kind === 'error' || value.kind === 'oclif-exit'
}
