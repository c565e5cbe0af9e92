/**
 * Float32 emulation and Go's float32 text conversions. Upstream computes almost everything in float32; rounding the
 * exact double result of each + - * / of two float32 values with Math.fround gives the native float32 answer.
 */
export const f32 = Math.fround

/** math.MaxFloat32: the "largest value" upstream uses for deltas and running minima. */
export const MAX_FLOAT32 = f32(3.4028234663852886e38)

export type ParseResult = {ok: true; value: number} | {ok: false; error: string}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const HEX = /^([+-]?)0[xX]((?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+))[pP]([+-]?\d+)$/
const SPECIAL = /^([+-]?)(inf|infinity|nan)$/i

/**
 * Go's strconv.ParseFloat(s, 32): the decimal (or hex) string rounded to float32, with Go's error texts.
 * Deviation from upstream: decimal -> double -> float32 can in theory double-round differently from Go's direct
 * decimal -> float32; no golden input is affected. Go also accepts underscores only with a base prefix, never here.
 */
export function parseGoFloat32(text: string): ParseResult {
  const special = SPECIAL.exec(text)
  if (special) {
    const name = special[2]!.toLowerCase() // group 2 takes part in every match
    if (name === 'nan') return {ok: true, value: Number.NaN}
    return {ok: true, value: special[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY}
  }
  let wide: number
  const hex = HEX.exec(text)
  if (hex) {
    const [intPart, fracPart = ''] = hex[2]!.split('.') // group 2 takes part in every match
    const mantissa = Number.parseInt((intPart || '0') + fracPart, 16)
    wide = mantissa * 2 ** (Number(hex[3]) - 4 * fracPart.length) * (hex[1] === '-' ? -1 : 1)
  } else if (DECIMAL.test(text)) {
    wide = Number.parseFloat(text)
  } else {
    return {ok: false, error: `strconv.ParseFloat: parsing ${goQuote(text)}: invalid syntax`}
  }
  const value = f32(wide)
  if (!Number.isFinite(value)) {
    return {ok: false, error: `strconv.ParseFloat: parsing ${goQuote(text)}: value out of range`}
  }
  return {ok: true, value}
}

/** Go's %q for the plain strings met here (quotes and backslashes escaped). */
function goQuote(text: string): string {
  return JSON.stringify(text)
}

/**
 * Go's %v of a float32 (fmt uses strconv 'g' with the shortest round-tripping digits): exponent form when the
 * decimal exponent is < -4 or >= 6, e.g. 1.5233963e-06, 0.00015218729, 60, 1e+06. Used only in error texts.
 */
export function formatGoFloat32(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Number.POSITIVE_INFINITY) return '+Inf'
  if (value === Number.NEGATIVE_INFINITY) return '-Inf'
  if (value === 0) return Object.is(value, -0) ? '-0' : '0'
  const magnitude = Math.abs(value)
  let text = magnitude.toExponential(8)
  for (let precision = 1; precision <= 9; precision++) {
    const candidate = magnitude.toExponential(precision - 1)
    if (f32(Number(candidate)) === magnitude) {
      text = candidate
      break
    }
  }
  const [mantissa = '', exp] = text.split('e')
  const digits = mantissa.replace('.', '').replace(/0+$/, '') || '0'
  const exponent = Number(exp)
  const sign = value < 0 ? '-' : ''
  if (exponent < -4 || exponent >= GO_SHORTEST_EXPONENT_LIMIT) {
    const head = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits
    const expDigits = String(Math.abs(exponent)).padStart(2, '0')
    return `${sign}${head}e${exponent < 0 ? '-' : '+'}${expDigits}`
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`
  if (digits.length <= exponent + 1) return `${sign}${digits}${'0'.repeat(exponent + 1 - digits.length)}`
  return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`
}

// strconv.FormatFloat(x, 'g', -1, _) switches to exponent form from this decimal exponent on.
const GO_SHORTEST_EXPONENT_LIMIT = 6
