import {escapeTerminal} from './format.js'

/** A CSV column: header and the raw value (numbers at full precision; null/undefined become an empty field). */
export interface CsvColumn<Row> {
  header: string
  value: (row: Row) => string | number | boolean | null | undefined
}

/**
 * RFC 4180 CSV: a header line, comma separators, CRLF-free `\n` line ends (what spreadsheets and pandas read), fields
 * quoted only when they hold a comma, quote or newline. Unknown values are empty fields, never 0.
 */
export function renderCsv<Row>(rows: readonly Row[], columns: readonly CsvColumn<Row>[]): string {
  const lines = [columns.map((column) => csvField(column.header)).join(',')]
  for (const row of rows) lines.push(columns.map((column) => csvField(column.value(row))).join(','))
  return `${lines.join('\n')}\n`
}

export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return ''
  // Control characters are escaped as in tables (a CSV is often looked at with cat).
  if (typeof value !== 'number') value = escapeTerminal(String(value), {keepNewlines: true})
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** ISO 8601 UTC without milliseconds when they are 0: `2023-11-14T22:13:20Z`. */
export function csvTime(timeMs: number): string {
  return new Date(timeMs).toISOString().replace('.000Z', 'Z')
}
