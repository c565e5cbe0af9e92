import {escapeTerminal} from './format.js'

/** A column declared once: header, how to get the cell, and whether it only shows under -o wide. */
export interface Column<Row> {
  header: string
  value: (row: Row) => string
  wide?: boolean
  /** Only without -o wide (a summary of columns that -o wide shows in full). */
  narrowOnly?: boolean
  /** Right-align numbers? kubectl left-aligns everything; so do we unless asked. */
  align?: 'left' | 'right'
}

export interface TableOptions {
  wide?: boolean
  noHeaders?: boolean
  /**
   * Applied to a whole rendered cell (after padding would break alignment, so before): e.g. colour an over-SLO value.
   */
  decorate?: ((header: string, cell: string, rowIndex: number) => string) | undefined
}

/** kubectl's printer: no borders, upper-case headers, columns separated by three spaces. */
export function renderTable<Row>(
  rows: readonly Row[],
  columns: readonly Column<Row>[],
  options: TableOptions = {},
): string {
  const shown = columns.filter((column) => (options.wide ? !column.narrowOnly : !column.wide))
  const cells = rows.map((row) => shown.map((column) => sanitizeCell(column.value(row))))
  const header = shown.map((column) => column.header)
  const widths = shown.map((_, index) =>
    Math.max(options.noHeaders ? 0 : header[index]!.length, ...cells.map((row) => visibleLength(row[index]!))),
  )
  const lines: string[] = []
  const format = (row: string[], rowIndex: number) =>
    row
      .map((cell, index) => {
        const pad = ' '.repeat(widths[index]! - visibleLength(cell))
        const decorated = rowIndex >= 0 && options.decorate ? options.decorate(header[index]!, cell, rowIndex) : cell
        const padded = shown[index]!.align === 'right' ? pad + decorated : decorated + pad
        return index === row.length - 1 ? padded.trimEnd() : padded
      })
      .join('   ')
  if (!options.noHeaders) lines.push(format(header, -1))
  for (const [index, row] of cells.entries()) lines.push(format(row, index))
  return lines.join('\n') + (lines.length > 0 ? '\n' : '')
}

// Values never contain spaces or newlines in kubectl tables; a space would break `awk '{print $3}'`. Control
// characters are escaped as kubectl's table printer does (ESC → ^[, CR → \r: see escapeTerminal).
function sanitizeCell(value: string): string {
  return value === '' ? '<none>' : escapeTerminal(value.replace(/[^\S\r]+/g, '_'))
}

// eslint-disable-next-line no-control-regex
const ansi = /\u001B\[[0-9;]*m/g
function visibleLength(text: string): number {
  return text.replace(ansi, '').length
}
