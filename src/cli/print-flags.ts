import {readFileSync} from 'node:fs'

import {Flags} from '@oclif/core'

import {fileProblem, flagValueError, UsageError} from '../core/errors.js'
import {
  JsonPathError,
  type JsonPathTemplate,
  type Path,
  parseJsonPathTemplate,
  parseRelaxedPath,
} from '../core/render/jsonpath.js'
import {
  type CustomColumn,
  labelColumns,
  parseCustomColumns,
  parseCustomColumnsFile,
  renderCustomColumns,
  sortByPath,
} from '../core/render/print.js'
import type {KubeObject} from '../core/model/kube-object.js'
import type {Column} from '../core/render/table.js'
import type {OutputFormat} from './base-command.js'

const helpGroup = 'OUTPUT'

/** kubectl's generic printing flags (docs/output.md): for the list commands, get and simulate. */
export const printFlags = {
  'sort-by': Flags.string({
    description:
      'Sort the items by a JSONPath field of each item (as in -o json), e.g. .metrics.arrivalRateRpm; numbers sort ' +
      'numerically.',
    helpGroup,
  }),
  'label-columns': Flags.string({
    char: 'L',
    description: 'Label keys to show as columns after the others (comma-separated or repeated), e.g. -L team.',
    multiple: true,
    helpGroup,
  }),
  'show-labels': Flags.boolean({description: 'Show all labels as the last column.', helpGroup}),
}

/** The template formats of `-o`, beside the command's own formats. */
export const templateFormatsHelp =
  'custom-columns=SPEC, custom-columns-file=FILE, jsonpath=TEMPLATE or jsonpath-file=FILE (docs/output.md)'

/** An `-o` value: one of the command's formats, a JSONPath template, or custom columns. */
export type PrintFormat<T extends OutputFormat> =
  | {kind: 'builtin'; format: T}
  | {kind: 'jsonpath'; template: JsonPathTemplate}
  | {kind: 'custom-columns'; columns: CustomColumn[]}

export interface PrintOptions<T extends OutputFormat> {
  format: PrintFormat<T>
  sortBy: {path: Path; source: string} | undefined
  labelKeys: string[]
  showLabels: boolean
}

export interface PrintFlagValues {
  output: string
  'sort-by'?: string | undefined
  'label-columns'?: string[] | undefined
  'show-labels'?: boolean | undefined
}

/** Checks `-o`, `--sort-by` and `-L` before anything is read, so a typo fails fast (exit 2). */
export function toPrintOptions<T extends OutputFormat>(
  flags: PrintFlagValues,
  parseBuiltin: (value: string) => T,
): PrintOptions<T> {
  const sortSource = flags['sort-by']
  let sortBy: PrintOptions<T>['sortBy']
  if (sortSource !== undefined) {
    try {
      sortBy = {path: parseRelaxedPath(sortSource), source: sortSource}
    } catch (error) {
      if (!(error instanceof JsonPathError)) throw error
      throw flagValueError('--sort-by', sortSource, error.message, 'give a JSONPath such as .metrics.arrivalRateRpm')
    }
  }
  const labelKeys = (flags['label-columns'] ?? []).flatMap((value) =>
    value
      .split(',')
      .map((key) => key.trim())
      .filter((key) => key !== ''),
  )
  return {
    format: parsePrintFormat(flags.output, parseBuiltin),
    sortBy,
    labelKeys,
    showLabels: flags['show-labels'] === true,
  }
}

function parsePrintFormat<T extends OutputFormat>(value: string, parseBuiltin: (value: string) => T): PrintFormat<T> {
  const equals = value.indexOf('=')
  const name = equals === -1 ? value : value.slice(0, equals)
  const argument = equals === -1 ? '' : value.slice(equals + 1)
  const templateNames = ['jsonpath', 'jsonpath-file', 'custom-columns', 'custom-columns-file']
  if (!templateNames.includes(name)) return {kind: 'builtin', format: parseBuiltin(value)}
  if (argument === '') {
    throw flagValueError(
      '-o',
      value,
      `${name} needs a value`,
      `write -o ${name}=${name.endsWith('-file') ? 'FILE' : "'…'"}`,
    )
  }
  const text = name.endsWith('-file') ? readTemplateFile(value, argument) : argument
  try {
    if (name.startsWith('jsonpath')) return {kind: 'jsonpath', template: parseJsonPathTemplate(text)}
    return {
      kind: 'custom-columns',
      columns: name === 'custom-columns' ? parseCustomColumns(text) : parseCustomColumnsFile(text),
    }
  } catch (error) {
    if (!(error instanceof JsonPathError)) throw error
    throw flagValueError('-o', value, error.message, 'fix the template; docs/output.md lists the JSONPath supported')
  }
}

function readTemplateFile(value: string, file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable'
    throw flagValueError('-o', value, fileProblem(code), 'give a readable file')
  }
}

/** The view as `-o json` prints it (no undefined, no functions): what JSONPath and --sort-by see. */
export function asJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown
}

/** The items in `--sort-by` order (unchanged without it). */
export function sortItems<Item>(items: readonly Item[], options: Pick<PrintOptions<OutputFormat>, 'sortBy'>): Item[] {
  if (!options.sortBy) return [...items]
  try {
    return sortByPath(items, options.sortBy.path, options.sortBy.source, asJson)
  } catch (error) {
    if (!(error instanceof JsonPathError)) throw error
    throw new UsageError(`--sort-by ${options.sortBy.source}: ${error.message}`, {
      hint: 'sort by a field -o json shows in each item',
    })
  }
}

/** The text of a template format over the list view (`items` sorted already); jsonpath sees the whole list. */
export function renderTemplateFormat(
  format: Exclude<PrintFormat<OutputFormat>, {kind: 'builtin'}>,
  list: {items: readonly unknown[]},
  options: {noHeaders?: boolean},
): string {
  const json = asJson(list) as {items: unknown[]}
  if (format.kind === 'jsonpath') return format.template.execute(json)
  return json.items.length === 0 ? '' : renderCustomColumns(json.items, format.columns, options)
}

/** The `-L`/`--show-labels` columns for a table whose rows have a namespace and a name. */
export function labelColumnsFor<Row extends {namespace: string; name: string}>(
  options: Pick<PrintOptions<OutputFormat>, 'labelKeys' | 'showLabels'>,
  objects: readonly KubeObject[],
): Column<Row>[] {
  if (options.labelKeys.length === 0 && !options.showLabels) return []
  const labels = new Map<string, Record<string, string>>()
  for (const object of objects)
    labels.set(
      `${object.metadata?.namespace || 'default'}/${object.metadata?.name ?? ''}`,
      object.metadata?.labels ?? {},
    )
  return labelColumns<Row>(options.labelKeys, options.showLabels, (row) => labels.get(`${row.namespace}/${row.name}`))
}
