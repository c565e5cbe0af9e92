import type {Command} from '@oclif/core'

import type {CompletionCommand, CompletionFlag} from './completion/complete.js'

/**
 * Reduces oclif's cached commands (built from oclif.manifest.json, no command file loaded) to what completion reads.
 */
export function completionCommandsFrom(commands: readonly Command.Loadable[]): CompletionCommand[] {
  return commands.map((command) => ({
    id: command.id,
    summary: command.summary ?? command.description?.split('\n')[0],
    hidden: command.hidden,
    flags: Object.fromEntries(
      Object.entries(command.flags ?? {}).map(([name, flag]): [string, CompletionFlag] => [
        name,
        {
          name,
          char: flag.char,
          type: flag.type === 'boolean' ? 'boolean' : 'option',
          options: flag.type === 'option' ? flag.options : undefined,
          description: flag.description,
          summary: flag.summary,
          hidden: flag.hidden,
          multiple: flag.type === 'option' ? flag.multiple : undefined,
        },
      ]),
    ),
    args: Object.entries(command.args ?? {}).map(([name, arg]) => ({name, options: arg.options})),
    values: completionValuesOf(command),
  }))
}

/** A command's `static completionValues` (see CompletionCommand.values), as oclif cached it. */
function completionValuesOf(command: Command.Loadable): Record<string, readonly string[]> | undefined {
  const values: unknown = command.completionValues
  if (typeof values !== 'object' || values === null) return undefined
  return Object.fromEntries(
    Object.entries(values).filter(
      (entry): entry is [string, string[]] =>
        Array.isArray(entry[1]) && entry[1].every((value) => typeof value === 'string'),
    ),
  )
}
