/**
 * A problem with one field of an untrusted object, reported with its path (`spec.modelProfile.accelerators[0].acc`).
 */
export interface FieldProblem {
  path: string
  message: string
  /** How to fix it, when there is more to say than "fix the field". */
  hint?: string | undefined
}

/** `path: message; path: message; how to fix`: one line, in the documented `<what>; <fix>` form. */
export function describeProblems(problems: readonly FieldProblem[]): string {
  const hints = [...new Set(problems.flatMap((problem) => (problem.hint === undefined ? [] : [problem.hint])))]
  const fields = problems.length > 1 ? 'these fields' : 'the field'
  const fix = hints.length > 0 ? hints.join(', and ') : `fix ${fields} in the VariantAutoscaling`
  return `${problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ')}; ${fix}`
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Reads optional typed fields, collecting a problem per wrong type instead of throwing at the first. */
export class FieldReader {
  readonly problems: FieldProblem[] = []

  string(value: unknown, path: string, required = false): string | undefined {
    if (value === undefined || value === null) {
      if (required) this.problems.push({path, message: 'required'})
      return undefined
    }
    if (typeof value !== 'string') {
      this.problems.push({path, message: `must be a string, got ${typeName(value)}`})
      return undefined
    }
    if (required && value === '') this.problems.push({path, message: 'must not be empty'})
    return value
  }

  integer(
    value: unknown,
    path: string,
    options: {required?: boolean; min?: number; max?: number; hint?: string} = {},
  ): number | undefined {
    if (value === undefined || value === null) {
      if (options.required) this.problems.push({path, message: 'required'})
      return undefined
    }
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.problems.push({path, message: `must be an integer, got ${typeName(value)} ${JSON.stringify(value)}`})
      return undefined
    }
    if (options.min !== undefined && value < options.min) {
      this.problems.push({path, message: `must be at least ${options.min}, got ${value}`, hint: options.hint})
      return undefined
    }
    if (options.max !== undefined && value > options.max) {
      this.problems.push({path, message: `must be at most ${options.max}, got ${value}`, hint: options.hint})
      return undefined
    }
    return value
  }

  stringMap(value: unknown, path: string, required = false): Record<string, string> | undefined {
    if (value === undefined || value === null) {
      if (required) this.problems.push({path, message: 'required'})
      return undefined
    }
    if (!isRecord(value)) {
      this.problems.push({path, message: `must be a map of strings, got ${typeName(value)}`})
      return undefined
    }
    const out: Record<string, string> = {}
    for (const [key, entry] of Object.entries(value)) {
      if (typeof entry === 'string') out[key] = entry
      else
        this.problems.push({
          path: `${path}.${key}`,
          message: `must be a quoted string, got ${typeName(entry)} ${JSON.stringify(entry)}`,
        })
    }
    return out
  }

  record(value: unknown, path: string, required = false): Record<string, unknown> | undefined {
    if (value === undefined || value === null) {
      if (required) this.problems.push({path, message: 'required'})
      return undefined
    }
    if (!isRecord(value)) {
      this.problems.push({path, message: `must be an object, got ${typeName(value)}`})
      return undefined
    }
    return value
  }
}

export function typeName(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  return typeof value
}
