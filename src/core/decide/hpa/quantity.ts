/**
 * Milli-unit conversions. The HPA computes ratios from `resource.Quantity.MilliValue()` (int64); KEDA turns its
 * float metric values into quantities in three different ways, each reproduced here.
 */

/** Go's int32 range, where upstream clamps. */
export const maxInt32 = 2_147_483_647
export const minInt32 = -2_147_483_648

/**
 * KEDA `quantityFromFloat64` (pkg/scalers/scaler.go, v2.20.2): `resource.MustParse(fmt.Sprintf("%.3f", v))`, so the
 * value rounded to three decimals (ties to even, as Go's strconv does for exact ties); NaN, ±Inf and negative
 * values become 0. Used for trigger metric values (`GenerateMetricInMili`) and trigger targets (`GetMetricTargetMili`).
 */
export function kedaMilli(value: number): number {
  if (Number.isNaN(value) || !Number.isFinite(value) || value < 0) return 0
  const scaled = value * 1000
  // Beyond 2^53 milli every float is an integer already (upstream caps at MaxInt64 later).
  if (scaled >= 2 ** 53) return Math.min(scaled, 9.223372036854776e18)
  // An exact binary tie at the third decimal exists only for multiples of 1/2000 that are dyadic (j/16).
  if (Number.isInteger(value * 2000) && !Number.isInteger(scaled) && Math.abs(scaled) < 2 ** 52) {
    const floor = Math.floor(scaled)
    return floor % 2 === 0 ? floor : floor + 1
  }
  // Fast path: far from a half, rounding the product agrees with formatting the exact binary value.
  const rounded = Math.round(scaled)
  if (Math.abs(Math.abs(scaled - rounded) - 0.5) > 1e-6) return rounded
  return Number(value.toFixed(3).replace('.', ''))
}

/** `int64(v * 1000)` in Go: truncation toward zero (KEDA composite target, formula output, fallback value). */
export function truncMilli(value: number): number {
  const scaled = Math.trunc(value * 1000)
  return Object.is(scaled, -0) ? 0 : scaled
}

/** `Quantity.MilliValue()` of a decimal quantity: rounds up to the next milli. */
export function quantityMilli(value: number): number {
  const scaled = Math.ceil(value * 1000 - 1e-9)
  return Object.is(scaled, -0) ? 0 : scaled
}

/** Go's `int32(math.Ceil(x))` with upstream's clamp at MaxInt32 where it has one. */
export function ceilInt32(value: number): number {
  if (value > maxInt32) return maxInt32
  const result = Math.ceil(value)
  return Object.is(result, -0) ? 0 : result
}
