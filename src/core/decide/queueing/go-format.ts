/**
 * Go's strconv.FormatFloat(x, 'f', decimals, 64), i.e. fmt's %.Nf. Both Go and JavaScript's toFixed round the
 * exact binary value of x, so they agree except on exact ties: Go rounds those half to even (0.125 -> "0.12"),
 * toFixed away from zero ("0.13"). Ties are detected on the exact decimal expansion.
 */
export function formatGoFixed(value: number, decimals: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Number.POSITIVE_INFINITY) return '+Inf'
  if (value === Number.NEGATIVE_INFINITY) return '-Inf'
  const rounded = value.toFixed(decimals)
  if (Math.abs(value) >= 1e21) return rounded
  // A double >= 5e-(decimals+1) has at most ~70 fractional digits here, so 100 digits show it exactly.
  const exact = value.toFixed(100)
  const point = exact.indexOf('.')
  const tail = exact.slice(point + 1 + decimals)
  if (!/^50*$/.test(tail)) return negativeZeroAware(rounded, value)
  // Exact tie: toFixed rounded away from zero; Go keeps the even neighbour.
  const truncated = exact.slice(0, decimals === 0 ? point : point + 1 + decimals)
  const lastDigit = Number(truncated[truncated.length - 1])
  return negativeZeroAware(lastDigit % 2 === 0 ? truncated : rounded, value)
}

// Go prints "-0.00" for negative values that round to zero, as toFixed does not.
function negativeZeroAware(text: string, value: number): string {
  if ((value < 0 || Object.is(value, -0)) && !text.startsWith('-')) return `-${text}`
  return text
}
