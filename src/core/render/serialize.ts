import {stringify} from 'yaml'

export type MachineFormat = 'json' | 'yaml'

/** JSON and YAML serialise the same view model the table uses. */
export function serialize(value: unknown, format: MachineFormat): string {
  if (format === 'json') return `${JSON.stringify(value, null, 2)}\n`
  return stringify(value, {lineWidth: 0, aliasDuplicateObjects: false})
}
