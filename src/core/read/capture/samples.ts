import {readFile} from 'node:fs/promises'
import {promisify} from 'node:util'
import {gunzip} from 'node:zlib'

import {InputError} from '../../errors.js'

/**
 * Reads a capture of raw samples for `kubectl va fit -f`: OpenMetrics text with timestamps (what
 * `promtool tsdb create-blocks-from openmetrics` takes: `name{labels} value unix-seconds`), or the output of
 * `promtool tsdb dump` (`{__name__="name", labels} value unix-milliseconds`). Comments and blank lines are skipped;
 * only the metric names asked for are kept. A name ending in .gz is gunzipped first. A line that cannot be read is
 * an InputError naming the file and line.
 */
export interface SampleSeries {
  name: string
  labels: Readonly<Record<string, string>>
  /** ms since the epoch, ascending */
  timesMs: number[]
  values: number[]
}

/** Most lines one capture may have. */
export const MAX_CAPTURE_LINES = 20_000_000

const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)?(\{.*\})?\s+(\S+)(?:\s+(\S+))?\s*$/

function parseLabels(text: string): Record<string, string> | undefined {
  const labels: Record<string, string> = {}
  const body = text.slice(1, -1)
  const pattern = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(,|$)/y
  let offset = 0
  while (offset < body.length) {
    pattern.lastIndex = offset
    const match = pattern.exec(body)
    if (match === null) return body.slice(offset).trim() === '' ? labels : undefined
    labels[match[1]!] = match[2]!.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c))
    offset = pattern.lastIndex
  }
  return labels
}

function parseValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY
  if (text === '-Inf') return Number.NEGATIVE_INFINITY
  if (text === 'NaN') return Number.NaN
  return text.trim() === '' ? Number.NaN : Number(text)
}

/** Parses capture text; `wanted` filters by metric name. */
export function parseSamples(text: string, wanted: ReadonlySet<string>, file = 'capture'): SampleSeries[] {
  const series = new Map<string, SampleSeries>()
  let lineNumber = 0
  let start = 0
  while (start < text.length) {
    let end = text.indexOf('\n', start)
    if (end === -1) end = text.length
    const line = text.slice(start, end).trim()
    start = end + 1
    lineNumber++
    if (lineNumber > MAX_CAPTURE_LINES) {
      throw new InputError(`${file}: more than ${MAX_CAPTURE_LINES} lines`, {hint: 'capture a shorter range'})
    }
    if (line === '' || line.startsWith('#')) continue
    const match = sampleLine.exec(line)
    const bad = (what: string) =>
      new InputError(`${file}:${lineNumber}: ${what}`, {
        hint: 'give OpenMetrics text with timestamps, or promtool tsdb dump output (docs/fit.md)',
      })
    if (match === null) throw bad('not a sample line')
    const labels = match[2] === undefined ? {} : parseLabels(match[2])
    if (labels === undefined) throw bad('unreadable labels')
    const dumpFormat = match[1] === undefined
    const name = dumpFormat ? labels.__name__ : match[1]!
    if (name === undefined) throw bad('no metric name')
    if (!wanted.has(name)) continue
    delete labels.__name__
    const value = parseValue(match[3]!)
    if (match[4] === undefined) throw bad('a sample without a timestamp')
    const stamp = Number(match[4])
    if (!Number.isFinite(stamp)) throw bad(`timestamp ${JSON.stringify(match[4].slice(0, 40))} is not a number`)
    const timeMs = dumpFormat ? stamp : Math.round(stamp * 1000)
    const key = `${name}${JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)))}`
    let entry = series.get(key)
    if (entry === undefined) {
      entry = {name, labels, timesMs: [], values: []}
      series.set(key, entry)
    }
    entry.timesMs.push(timeMs)
    entry.values.push(value)
  }
  for (const entry of series.values()) {
    // Sorted by time (a dump is per series already; OpenMetrics is per family, in time order per series).
    let sorted = true
    for (let i = 1; i < entry.timesMs.length; i++) if (entry.timesMs[i]! < entry.timesMs[i - 1]!) sorted = false
    if (!sorted) {
      const order = entry.timesMs.map((_, i) => i).sort((a, b) => entry.timesMs[a]! - entry.timesMs[b]!)
      entry.timesMs = order.map((i) => entry.timesMs[i]!)
      entry.values = order.map((i) => entry.values[i]!)
    }
  }
  return [...series.values()]
}

/** Reads and parses a capture file. */
export async function readSampleCapture(path: string, wanted: ReadonlySet<string>): Promise<SampleSeries[]> {
  let text: string
  try {
    const bytes = await readFile(path)
    text = (path.endsWith('.gz') ? await promisify(gunzip)(bytes) : bytes).toString('utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'Z_DATA_ERROR')
      throw new InputError(`${path}: not gzip data`, {hint: 'a capture ending in .gz must be gzip-compressed'})
    const code = (error as NodeJS.ErrnoException).code
    throw new InputError(`${path}: ${code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? 'error'})`}`, {
      hint: 'pass the capture file with -f',
    })
  }
  return parseSamples(text, wanted, path)
}
