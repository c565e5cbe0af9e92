/** Number formatting shared by the tables: short, stable, and no spaces. */
export function formatNumber(value: number | null | undefined, decimals = 1): string {
  if (value === null || value === undefined) return '<unknown>'
  if (Number.isNaN(value)) return 'NaN'
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf'
  const fixed = value.toFixed(decimals)
  // 12.0 -> 12: integers read better in narrow columns.
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed
}

export function formatPair(left: string, right: string): string {
  return `${left}/${right}`
}

export function formatPercent(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '<unknown>'
  return `${Math.round(fraction * 100)}%`
}
