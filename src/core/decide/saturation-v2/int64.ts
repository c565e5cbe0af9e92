/**
 * Go int64 arithmetic on JavaScript numbers. Every value V2 handles is an integer-valued float64; sums stay exact
 * below 2^53, and above that these helpers redo the operation in BigInt with Go's wrap-around and hand back the
 * nearest float64, which is what the next `float64(x)` conversion upstream produces anyway.
 */

const twoTo63 = 2 ** 63

/** Go `int64(x)` for a float64 on amd64: toward zero; NaN and out-of-range give math.MinInt64. */
export function int64FromFloat(value: number): number {
  if (!(value > -twoTo63 - 1) || !(value < twoTo63)) return -twoTo63
  return Math.trunc(value) + 0
}

function viaBigInt(result: bigint): number {
  return Number(BigInt.asIntN(64, result))
}

/** Go `a + b` on int64. */
export function addInt64(left: number, right: number): number {
  const sum = left + right
  return Number.isSafeInteger(sum) ? sum : viaBigInt(BigInt(left) + BigInt(right))
}

/** Go `a * b` on int64. */
export function multiplyInt64(left: number, right: number): number {
  const product = left * right
  return Number.isSafeInteger(product) ? product + 0 : viaBigInt(BigInt(left) * BigInt(right))
}

/** Go `a / b` on int64 (truncated), b != 0. */
export function divideInt64(left: number, right: number): number {
  if (Number.isSafeInteger(left) && Number.isSafeInteger(right)) return Math.trunc(left / right) + 0
  return viaBigInt(BigInt(left) / BigInt(right))
}
