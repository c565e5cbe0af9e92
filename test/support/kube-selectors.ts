/**
 * Label and field selectors as the API server evaluates them (k8s.io/apimachinery/pkg/labels and fields), for the
 * fake API server. Supports `=`, `==`, `!=`, `in (...)`, `notin (...)`, `key` (exists) and `!key` (does not exist).
 */
export type LabelRequirement =
  | {op: 'eq' | 'ne'; key: string; value: string}
  | {op: 'in' | 'notin'; key: string; values: string[]}
  | {op: 'exists' | 'notexists'; key: string}

export function parseLabelSelector(selector: string): LabelRequirement[] {
  const requirements: LabelRequirement[] = []
  for (const raw of splitTopLevel(selector)) {
    const term = raw.trim()
    if (term === '') continue
    const setMatch = /^([^\s!=()]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term)
    if (setMatch) {
      const values = setMatch[3]!
        .split(',')
        .map((value) => value.trim())
        .filter((value) => value !== '')
      requirements.push({op: setMatch[2] as 'in' | 'notin', key: setMatch[1]!, values})
      continue
    }
    const compare = /^([^\s!=()]+)\s*(==|=|!=)\s*([^\s=!(),]*)$/.exec(term)
    if (compare) {
      requirements.push({op: compare[2] === '!=' ? 'ne' : 'eq', key: compare[1]!, value: compare[3]!})
      continue
    }
    const notExists = /^!\s*([^\s!=()]+)$/.exec(term)
    if (notExists) {
      requirements.push({op: 'notexists', key: notExists[1]!})
      continue
    }
    if (/^[^\s!=()]+$/.test(term)) {
      requirements.push({op: 'exists', key: term})
      continue
    }
    throw new Error(`unable to parse requirement: ${term}`)
  }
  return requirements
}

export function matchesLabels(
  requirements: readonly LabelRequirement[],
  labels: Record<string, string> | undefined,
): boolean {
  const have = labels ?? {}
  return requirements.every((requirement) => {
    const value = Object.hasOwn(have, requirement.key) ? have[requirement.key] : undefined
    switch (requirement.op) {
      case 'eq':
        return value === requirement.value
      case 'ne':
        return value !== requirement.value
      case 'in':
        return value !== undefined && requirement.values.includes(value)
      case 'notin':
        return value === undefined || !requirement.values.includes(value)
      case 'exists':
        return value !== undefined
      case 'notexists':
        return value === undefined
    }
    return false
  })
}

/** Field selectors: only metadata.name and metadata.namespace, with `=`, `==` and `!=`, as kubectl sends them. */
export function matchesFields(
  selector: string,
  object: {metadata?: {name?: string | undefined; namespace?: string | undefined}},
): boolean {
  for (const raw of selector.split(',')) {
    const term = raw.trim()
    if (term === '') continue
    const match = /^([^=!]+)(==|=|!=)(.*)$/.exec(term)
    if (!match) throw new Error(`invalid field selector: ${term}`)
    const [, field, op, expected] = match
    let actual: string | undefined
    if (field === 'metadata.name') actual = object.metadata?.name
    else if (field === 'metadata.namespace') actual = object.metadata?.namespace ?? ''
    else throw new Error(`field label not supported: ${field}`)
    if ((op === '!=') === (actual === expected)) return false
  }
  return true
}

function splitTopLevel(selector: string): string[] {
  const parts: string[] = []
  let depth = 0
  let current = ''
  for (const char of selector) {
    if (char === '(') depth++
    if (char === ')') depth--
    if (char === ',' && depth === 0) {
      parts.push(current)
      current = ''
    } else current += char
  }
  parts.push(current)
  return parts
}
