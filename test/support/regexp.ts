/**
 * One RegExp from parts written as literals, for a pattern too long for one line: `joinRegExp([/^a /, /b$/], 'm')`
 * is `/^a b$/m`. Each part must be a valid pattern alone (split between atoms, outside groups and classes).
 */
export function joinRegExp(parts: readonly RegExp[], flags = ''): RegExp {
  return new RegExp(parts.map((part) => part.source).join(''), flags)
}
