import {UsageError} from '../../errors.js'

/** Milliseconds per Prometheus duration unit (prometheus/common model.ParseDuration: a year is 365 days). */
const unitMs: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
}

const unitOrder = ['y', 'w', 'd', 'h', 'm', 's', 'ms'] as const
const durationPattern = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/

/**
 * Parses a Prometheus duration (`30s`, `1m`, `6h`, `1h30m`, `500ms`) into milliseconds, with the same grammar as
 * prometheus/common model.ParseDuration: units from largest to smallest, each at most once, integers only.
 */
export function parsePromDurationMs(text: string): number {
  const match = durationPattern.exec(text.trim())
  if (text.trim() === '' || match === null || match.slice(1).every((part) => part === undefined)) {
    throw new UsageError(`invalid duration "${text}"`, {hint: 'use Prometheus syntax such as 30s, 1m, 6h or 1h30m'})
  }
  let totalMs = 0
  unitOrder.forEach((unit, index) => {
    const part = match[index + 1]
    if (part !== undefined) totalMs += Number(part) * unitMs[unit]!
  })
  if (totalMs <= 0) throw new UsageError(`invalid duration "${text}": must be positive`, {hint: 'use e.g. 1m'})
  return totalMs
}

/**
 * Formats milliseconds as a Prometheus duration, largest units first (`90s` → `1m30s`, `86400000` → `1d`), the
 * way model.Duration.String() does. Used to put windows and retention periods into PromQL.
 */
export function formatPromDuration(durationMs: number): string {
  if (!Number.isInteger(durationMs) || durationMs <= 0)
    throw new RangeError(`duration must be a positive integer of ms: ${durationMs}`)
  let rest = durationMs
  let out = ''
  for (const unit of unitOrder) {
    const size = unitMs[unit]!
    const count = Math.floor(rest / size)
    if (count > 0) {
      out += `${count}${unit}`
      rest -= count * size
    }
  }
  return out
}
