/**
 * Typed failures raised by core. Each carries a kind (mapped to an exit code in src/cli/exit-codes.ts), a one-line
 * message that names the object, and a hint that says how to fix it. No other layer decides exit codes.
 */
export type ErrorKind = 'internal' | 'usage' | 'input' | 'cluster' | 'prometheus' | 'partial'

export class KvaError extends Error {
  readonly kind: ErrorKind
  readonly hint: string | undefined

  constructor(kind: ErrorKind, message: string, options: {hint?: string; cause?: unknown} = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.kind = kind
    this.hint = options.hint
    this.name = new.target.name
  }
}

/** A bad flag, argument or flag combination. */
export class UsageError extends KvaError {
  constructor(message: string, options: {hint?: string; cause?: unknown} = {}) {
    super('usage', message, options)
  }
}

/** A manifest, VA spec or ConfigMap that cannot be used, or a named VA that does not exist. */
export class InputError extends KvaError {
  constructor(message: string, options: {hint?: string; cause?: unknown} = {}) {
    super('input', message, options)
  }
}

/** Kubeconfig, authentication, API server unreachable or forbidden. */
export class ClusterError extends KvaError {
  constructor(message: string, options: {hint?: string; cause?: unknown} = {}) {
    super('cluster', message, options)
  }
}

/** Prometheus unreachable, unauthorised, or a query rejected. */
export class PrometheusError extends KvaError {
  constructor(message: string, options: {hint?: string; cause?: unknown} = {}) {
    super('prometheus', message, options)
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}

/**
 * A value as an error line may quote it: bare when it is plain text, else JSON-quoted with control characters and
 * ";" escaped (the line's form is `error: <object>: <what>; <fix>`), at most 60 characters.
 */
export function shownValue(value: string): string {
  if (/^[\w.:/@%+=,~*<>!-]{1,60}$/.test(value)) return value
  const cut = value.length > 60 ? `${value.slice(0, 57)}...` : value
  const escapeControl = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
  return JSON.stringify(cut)
    .replaceAll(';', '\\u003b')
    .replace(/[\u007f-\u009f]/g, escapeControl)
}

/** A bad flag value, in the documented form: `--flag value: what is wrong; how to fix it`. */
export function flagValueError(flag: string, value: string, what: string, fix: string): UsageError {
  return new UsageError(`${flag} ${shownValue(value)}: ${what}`, {hint: fix})
}

/** A file system error code in words, the code kept: "no such file, ENOENT". */
export function fileProblem(code: string): string {
  const words: Record<string, string> = {
    ENOENT: 'no such file',
    EACCES: 'permission denied',
    EISDIR: 'is a directory',
    ENOTDIR: 'not a directory',
    ELOOP: 'symbolic link loop',
  }
  return words[code] ? `${words[code]}, ${code}` : code
}
