/**
 * Go's `time.ParseDuration` and `Duration.String`, plus upstream's `FormatPrometheusDuration`. Durations are
 * nanoseconds as bigint: Go's int64 nanoseconds exceed 2^53 within about 104 days.
 */

export const nanosecondsPerSecond = 1_000_000_000n
const nanosecondsPerMinute = 60n * nanosecondsPerSecond
const nanosecondsPerHour = 60n * nanosecondsPerMinute
const nanosecondsPerDay = 24n * nanosecondsPerHour
const maxInt64Magnitude = 1n << 63n

/** Go's `unitMap`: both micro signs (U+00B5 and U+03BC) are accepted. */
const unitNanoseconds: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['\u00b5s', 1_000n],
  ['\u03bcs', 1_000n],
  ['ms', 1_000_000n],
  ['s', nanosecondsPerSecond],
  ['m', nanosecondsPerMinute],
  ['h', nanosecondsPerHour],
])

export type GoDurationParse =
  | {readonly kind: 'ok'; readonly nanoseconds: bigint}
  | {readonly kind: 'invalid'; readonly error: string}

const isDigit = (char: string | undefined): boolean => char !== undefined && char >= '0' && char <= '9'

/** Mirrors Go's `time.ParseDuration`, error texts included: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`. */
export function parseGoDuration(text: string): GoDurationParse {
  const invalid = (why: string, quoted = text): GoDurationParse => ({
    kind: 'invalid',
    error: `time: ${why} ${JSON.stringify(quoted)}`,
  })
  let rest = text
  let isNegative = false
  if (rest.startsWith('-') || rest.startsWith('+')) {
    isNegative = rest.startsWith('-')
    rest = rest.slice(1)
  }
  if (rest === '0') return {kind: 'ok', nanoseconds: 0n}
  if (rest === '') return invalid('invalid duration')
  let total = 0n
  while (rest !== '') {
    if (!(rest[0] === '.' || isDigit(rest[0]))) return invalid('invalid duration')
    let integerDigits = 0
    let whole = 0n
    while (isDigit(rest[integerDigits])) {
      if (whole > maxInt64Magnitude / 10n) return invalid('invalid duration')
      whole = whole * 10n + BigInt(rest[integerDigits]!)
      if (whole > maxInt64Magnitude) return invalid('invalid duration')
      integerDigits++
    }
    rest = rest.slice(integerDigits)
    let fraction = 0n
    let fractionScale = 1
    let fractionDigits = 0
    if (rest.startsWith('.')) {
      rest = rest.slice(1)
      let hasOverflowed = false
      while (isDigit(rest[fractionDigits])) {
        const digit = BigInt(rest[fractionDigits]!)
        fractionDigits++
        if (hasOverflowed) continue
        if (fraction > (maxInt64Magnitude - 1n) / 10n) {
          hasOverflowed = true
          continue
        }
        const next = fraction * 10n + digit
        if (next > maxInt64Magnitude) {
          hasOverflowed = true
          continue
        }
        fraction = next
        fractionScale *= 10
      }
      rest = rest.slice(fractionDigits)
    }
    if (integerDigits === 0 && fractionDigits === 0) return invalid('invalid duration')
    let unitLength = 0
    while (unitLength < rest.length && !(rest[unitLength] === '.' || isDigit(rest[unitLength]))) unitLength++
    if (unitLength === 0) return invalid('missing unit in duration')
    const unitName = rest.slice(0, unitLength)
    rest = rest.slice(unitLength)
    const unit = unitNanoseconds.get(unitName)
    if (unit === undefined) return invalid(`unknown unit ${JSON.stringify(unitName)} in duration`)
    if (whole > maxInt64Magnitude / unit) return invalid('invalid duration')
    let value = whole * unit
    if (fraction > 0n) {
      // Go converts to float64 here ("to be nanosecond accurate for fractions of hours") and truncates.
      value += BigInt(Math.trunc(Number(fraction) * (Number(unit) / fractionScale)))
      if (value > maxInt64Magnitude) return invalid('invalid duration')
    }
    total += value
    if (total > maxInt64Magnitude) return invalid('invalid duration')
  }
  if (isNegative) return {kind: 'ok', nanoseconds: -total}
  if (total > maxInt64Magnitude - 1n) return invalid('invalid duration')
  return {kind: 'ok', nanoseconds: total}
}

/** Go's `fmtFrac`: the fraction of v/10^precision without trailing zeros (and without the point when 0). */
function formatFraction(value: bigint, precision: number): {readonly text: string; readonly rest: bigint} {
  let digits = ''
  let isPrinting = false
  let rest = value
  for (let index = 0; index < precision; index++) {
    const digit = rest % 10n
    isPrinting ||= digit !== 0n
    if (isPrinting) digits = digit.toString() + digits
    rest /= 10n
  }
  return {text: isPrinting ? `.${digits}` : '', rest}
}

/** Mirrors Go's `Duration.String`, e.g. `1h30m0s`, `1.5s`, `500ms`, `0s`. */
export function formatGoDuration(nanoseconds: bigint): string {
  const isNegative = nanoseconds < 0n
  const magnitude = isNegative ? -nanoseconds : nanoseconds
  let text: string
  if (magnitude < nanosecondsPerSecond) {
    if (magnitude === 0n) return '0s'
    const [precision, unit] = magnitude < 1_000n ? [0, 'ns'] : magnitude < 1_000_000n ? [3, '\u00b5s'] : [6, 'ms']
    const fraction = formatFraction(magnitude, precision)
    text = `${fraction.rest}${fraction.text}${unit}`
  } else {
    const fraction = formatFraction(magnitude, 9)
    const wholeSeconds = fraction.rest
    text = `${wholeSeconds % 60n}${fraction.text}s`
    const minutes = wholeSeconds / 60n
    if (minutes > 0n) {
      text = `${minutes % 60n}m${text}`
      const hours = minutes / 60n
      if (hours > 0n) text = `${hours}h${text}`
    }
  }
  return isNegative ? `-${text}` : text
}

/** Mirrors Go's `Duration.Seconds`: whole and fractional parts converted separately. */
export function goDurationSeconds(nanoseconds: bigint): number {
  const whole = nanoseconds / nanosecondsPerSecond
  const fraction = nanoseconds % nanosecondsPerSecond
  return Number(whole) + Number(fraction) / 1e9
}

/**
 * Mirrors upstream `FormatPrometheusDuration`: the largest whole unit among d, h, m, s; otherwise floor seconds,
 * and never below `1s` (PromQL ranges have no fractions).
 */
export function formatPrometheusDuration(nanoseconds: bigint): string {
  const whole = (unit: bigint): boolean => nanoseconds % unit === 0n
  if (nanoseconds > 0n && whole(nanosecondsPerDay)) return `${nanoseconds / nanosecondsPerDay}d`
  if (nanoseconds > 0n && whole(nanosecondsPerHour)) return `${nanoseconds / nanosecondsPerHour}h`
  if (nanoseconds > 0n && whole(nanosecondsPerMinute)) return `${nanoseconds / nanosecondsPerMinute}m`
  if (nanoseconds >= nanosecondsPerSecond) return `${nanoseconds / nanosecondsPerSecond}s`
  return '1s'
}
