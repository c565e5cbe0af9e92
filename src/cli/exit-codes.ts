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

export function exitCodeFor(kind: ErrorKind): ExitCodeValue {
  return ExitCode[kind]
}
