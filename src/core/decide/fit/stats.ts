/**
 * Small statistics helpers of the profile fit: quantiles of the normal and Student t distributions and weighted
 * summaries. Pure; double precision throughout (the fit is not part of the controller, so no float32 here).
 */

/** The standard normal quantile (lower tail probability p in (0, 1)): Acklam's approximation, |error| < 1.2e-9. */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`probability must be in (0, 1): ${p}`)
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ]
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572]
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ]
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416]
  const low = 0.02425
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p))
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    )
  }
  if (p > 1 - low) return -normalQuantile(1 - p)
  const q = p - 0.5
  const r = q * q
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  )
}

/**
 * The two-sided Student t critical value: t such that P(|T| > t) = alpha with `df` degrees of freedom (G. W. Hill,
 * Algorithm 396, CACM 1970; relative error below 1e-4 for df ≥ 1). 95 % intervals use alpha = 0.05.
 */
export function tCritical(alpha: number, df: number): number {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1): ${alpha}`)
  if (!(df >= 1)) throw new RangeError(`degrees of freedom must be at least 1: ${df}`)
  const n = df
  if (n === 1) return Math.cos((alpha * Math.PI) / 2) / Math.sin((alpha * Math.PI) / 2)
  if (n === 2) return Math.sqrt(2 / (alpha * (2 - alpha)) - 2)
  const a = 1 / (n - 0.5)
  const b = 48 / (a * a)
  let c = (((20700 * a) / b - 98) * a - 16) * a + 96.36
  const d = ((94.5 / (b + c) - 3) / b + 1) * Math.sqrt((a * Math.PI) / 2) * n
  let x = d * alpha
  let y = x ** (2 / n)
  if (y > 0.05 + a) {
    x = normalQuantile(alpha * 0.5)
    y = x * x
    if (n < 5) c += 0.3 * (n - 4.5) * (x + 0.6)
    c = (((0.05 * d * x - 5) * x - 7) * x - 2) * x + b + c
    y = (((((0.4 * y + 6.3) * y + 36) * y + 94.5) / c - y - 3) / b + 1) * x
    y = a * y * y
    y = y > 0.002 ? Math.exp(y) - 1 : 0.5 * y * y + y
  } else {
    y =
      ((1 / (((n + 6) / (n * y) - 0.089 * d - 0.822) * (n + 2) * 3) + 0.5 / (n + 4)) * y - 1) * ((n + 1) / (n + 2)) +
      1 / y
  }
  return Math.sqrt(n * y)
}

/** The q-quantile (0..1) of values (linear interpolation between order statistics); NaN for no values. */
export function quantile(values: ArrayLike<number>, q: number): number {
  const n = values.length
  if (n === 0) return Number.NaN
  const sorted = Float64Array.from(values as ArrayLike<number>).sort()
  const position = q * (n - 1)
  const lower = Math.floor(position)
  const upper = Math.min(lower + 1, n - 1)
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower)
}
