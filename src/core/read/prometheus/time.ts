import {UsageError} from '../../errors.js'
import {parsePromDurationMs} from './duration.js'

const rfc3339Pattern = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/
const unixSecondsPattern = /^\d+(?:\.\d+)?$/

/** How far past the clock an evaluation time may be: Prometheus's default lookback (clock skew is allowed for). */
export const MAX_FUTURE_MS = 5 * 60_000

const formats = 'use RFC 3339 (2025-11-04T10:00:00Z), Unix seconds (1762250400) or a time relative to now (-15m)'

/**
 * Parses an evaluation time for `--at`: RFC 3339 (`2025-11-04T10:00:00Z`), Unix seconds (`1762250400`, fractions
 * allowed, as the Prometheus API accepts), `now`, or a time relative to `now` (`-15m`, `-1h30m`). `now` comes in as
 * an argument so core code stays free of the clock. `flag` names the flag in messages (`--at`).
 *
 * Refused, as usage errors: a time JavaScript cannot represent (`--at 100000000000000000000`), and a time more than
 * MAX_FUTURE_MS ahead of `now`: Prometheus has no samples there, so every metric would silently be empty.
 */
export function parseEvaluationTime(text: string, now: Date, flag?: string): Date {
  const what = flag === undefined ? 'time' : `--${flag}`
  const invalid = () => new UsageError(`invalid ${what} "${text}": not a time`, {hint: formats})
  const time = parseTime(text.trim(), now, invalid)
  if (Number.isNaN(time.getTime())) throw new UsageError(`invalid ${what} "${text}": out of range`, {hint: formats})
  if (time.getTime() > now.getTime() + MAX_FUTURE_MS) {
    const when = `${time.toISOString()} is in the future (now is ${now.toISOString()})`
    throw new UsageError(`invalid ${what} "${text}": ${when}`, {
      hint: 'Prometheus has no samples there; pass a past time such as -15m',
    })
  }
  return time
}

function parseTime(value: string, now: Date, invalid: () => UsageError): Date {
  if (value === 'now') return new Date(now.getTime())
  const relative = value.startsWith('-') ? value.slice(1) : value.startsWith('now-') ? value.slice(4) : undefined
  if (relative !== undefined) {
    let durationMs: number
    try {
      durationMs = parsePromDurationMs(relative)
    } catch {
      throw invalid()
    }
    return new Date(now.getTime() - durationMs)
  }
  if (unixSecondsPattern.test(value)) return new Date(Math.round(Number(value) * 1000))
  if (rfc3339Pattern.test(value) && fieldsInRange(value)) {
    const parsed = new Date(value)
    if (!Number.isNaN(parsed.getTime())) return parsed
  }
  throw invalid()
}

// JavaScript rolls 2026-02-30 over to March 2 and 24:00 to the next day; RFC 3339 (and Prometheus) refuse them.
function fieldsInRange(value: string): boolean {
  const fields = value.match(/\d+/g)!.slice(0, 6).map(Number)
  const [year, month, day, hour, minute, second] = fields as [number, number, number, number, number, number]
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate()
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59
}

/** The Prometheus API's time parameter: Unix seconds with millisecond precision. */
export function formatApiTime(time: Date): string {
  const ms = time.getTime()
  return ms % 1000 === 0 ? String(ms / 1000) : (ms / 1000).toFixed(3)
}
