import {evaluatePath, JsonPathError, type Path, parseRelaxedPath, printValue} from './jsonpath.js'
import {type Column, renderTable} from './table.js'

/**
 * kubectl's generic printers over a view's JSON: `-o custom-columns`, `--sort-by`, and the `-L`/`--show-labels`
 * columns. The JSON is the one `-o json` prints, so every path that works on `-o json` works here.
 */

/** One `HEADER:.path` column of `-o custom-columns`. */
export interface CustomColumn {
  header: string
  path: Path
}

/** `NAME:.metadata.name,RATE:.metrics.arrivalRateRpm` (kubectl's spec: comma-separated `<header>:<json-path>`). */
export function parseCustomColumns(spec: string): CustomColumn[] {
  if (spec.trim() === '') throw new JsonPathError('custom-columns format specified but no custom columns given')
  return spec.split(',').map((part) => {
    const colon = part.indexOf(':')
    if (colon <= 0 || colon === part.length - 1)
      throw new JsonPathError(`unexpected custom-columns spec ${JSON.stringify(part)}, expected <header>:<json-path>`)
    return {header: part.slice(0, colon), path: parseRelaxedPath(part.slice(colon + 1))}
  })
}

/** A custom-columns file: a line of headers and a line of paths, separated by white space (as kubectl reads it). */
export function parseCustomColumnsFile(text: string): CustomColumn[] {
  const lines = text.split('\n').filter((line) => line.trim() !== '')
  if (lines.length !== 2) throw new JsonPathError(`expected 2 lines (headers, then paths), found ${lines.length}`)
  const headers = lines[0]!.trim().split(/\s+/)
  const paths = lines[1]!.trim().split(/\s+/)
  if (headers.length !== paths.length)
    throw new JsonPathError(`${headers.length} headers but ${paths.length} paths; give one path per header`)
  return headers.map((header, index) => ({header, path: parseRelaxedPath(paths[index]!)}))
}

/** The custom-columns table: several values of one path joined by commas, `<none>` when the path selects nothing. */
export function renderCustomColumns(
  items: readonly unknown[],
  columns: readonly CustomColumn[],
  options: {noHeaders?: boolean} = {},
): string {
  const tableColumns: Column<unknown>[] = columns.map((column) => ({
    header: column.header,
    value: (item) =>
      evaluatePath(column.path, item)
        .map(printValue)
        .filter((text) => text !== '')
        .join(','),
  }))
  return renderTable(items, tableColumns, {noHeaders: options.noHeaders === true})
}

/**
 * `--sort-by`: the items ordered by the value the path selects in each item's JSON; numbers numerically, strings
 * lexically, an item without the value first (as kubectl). Stable. An error when no item has the value.
 */
export function sortByPath<T>(items: readonly T[], path: Path, source: string, toJson: (item: T) => unknown): T[] {
  const keyed = items.map((item, index) => ({item, index, key: evaluatePath(path, toJson(item))[0]}))
  const present = (key: unknown) => key !== undefined && key !== null
  if (items.length > 0 && !keyed.some((entry) => present(entry.key)))
    throw new JsonPathError(`couldn't find any field with path ${JSON.stringify(source)} in the list of objects`)
  keyed.sort((a, b) => compareKeys(a.key, b.key) || a.index - b.index)
  return keyed.map((entry) => entry.item)
}

function compareKeys(a: unknown, b: unknown): number {
  const aMissing = a === undefined || a === null
  const bMissing = b === undefined || b === null
  if (aMissing || bMissing) return aMissing === bMissing ? 0 : aMissing ? -1 : 1
  if (typeof a === 'number' && typeof b === 'number') return a - b
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b)
  const x = printValue(a)
  const y = printValue(b)
  return x < y ? -1 : x > y ? 1 : 0
}

/** A `-L` column's header, as kubectl's: the key's last segment in upper case (`app.kubernetes.io/name` → NAME). */
export function labelHeader(key: string): string {
  return (key.split('/').pop() ?? key).toUpperCase()
}

/**
 * The columns `-L key1,key2` and `--show-labels` add at the end of a table: one per key (its value, `<none>` when the
 * object lacks it), then LABELS (`k=v,…` sorted by key, `<none>` when none).
 */
export function labelColumns<Row>(
  keys: readonly string[],
  showLabels: boolean,
  labelsOf: (row: Row) => Readonly<Record<string, string>> | undefined,
): Column<Row>[] {
  const columns: Column<Row>[] = keys.map((key) => ({
    header: labelHeader(key),
    value: (row) => labelsOf(row)?.[key] ?? '',
  }))
  if (showLabels)
    columns.push({
      header: 'LABELS',
      value: (row) =>
        Object.entries(labelsOf(row) ?? {})
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([key, value]) => `${key}=${value}`)
          .join(','),
    })
  return columns
}
