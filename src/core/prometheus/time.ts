import {UsageError} from '../errors.js'
import {parsePromDurationMs} from './duration.js'

const rfc3339Pattern = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/
const unixSecondsPattern = /^\d+(?:\.\d+)?$/

/**
 * Parses an evaluation time for `--at`: RFC 3339 (`2025-11-04T10:00:00Z`), Unix seconds (`1762250400`, fractions
 * allowed, as the Prometheus API accepts), `now`, or a time relative to `now` (`-15m`, `-1h30m`). `now` comes in as
 * an argument so core code stays free of the clock.
 */
export function parseEvaluationTime(text: string, now: Date): Date {
  const value = text.trim()
  if (value === 'now') return new Date(now.getTime())
  if (value.startsWith('-')) return new Date(now.getTime() - parsePromDurationMs(value.slice(1)))
  if (value.startsWith('now-')) return new Date(now.getTime() - parsePromDurationMs(value.slice(4)))
  if (unixSecondsPattern.test(value)) return new Date(Math.round(Number(value) * 1000))
  if (rfc3339Pattern.test(value)) {
    const parsed = new Date(value)
    if (!Number.isNaN(parsed.getTime())) return parsed
  }
  throw new UsageError(`invalid time "${text}"`, {
    hint: 'use RFC 3339 (2025-11-04T10:00:00Z), Unix seconds (1762250400) or a time relative to now (-15m)',
  })
}

/** The Prometheus API's time parameter: Unix seconds with millisecond precision. */
export function formatApiTime(time: Date): string {
  const ms = time.getTime()
  return ms % 1000 === 0 ? String(ms / 1000) : (ms / 1000).toFixed(3)
}
