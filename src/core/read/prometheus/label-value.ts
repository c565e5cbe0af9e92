/**
 * Escaping of label values inside double-quoted PromQL string literals, as Go string literals work: backslash
 * first, then the double quote, then newline. Upstream WVA (v0.0.5+) escapes only `\` and `"`; the newline is
 * our addition so that any string round-trips.
 */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}

/** RE2 metacharacters. `=~` matchers are fully anchored RE2, so a literal value must have these escaped. */
const regexMetacharacters = /[\\.+*?()|[\]{}^$]/g

/** A literal value as an RE2 pattern (before string escaping). */
export function escapeRegex(value: string): string {
  return value.replace(regexMetacharacters, '\\$&')
}

/**
 * One matcher for a set of literal values: `label="v"` for one value (cheaper and readable), otherwise
 * `label=~"v1|v2"` with each value regex-escaped and then string-escaped. Values are sorted and de-duplicated so
 * the query text does not depend on input order.
 */
export function labelMatcher(label: string, values: Iterable<string>): string {
  const unique = [...new Set(values)].sort()
  if (unique.length === 0) throw new RangeError(`labelMatcher(${label}): no values`)
  if (unique.length === 1) return `${label}="${escapeLabelValue(unique[0]!)}"`
  return `${label}=~"${escapeLabelValue(unique.map(escapeRegex).join('|'))}"`
}
