import {type Command, Help} from '@oclif/core'

/**
 * kubectl's help shows examples and usage without a shell prompt; so does ours (style.md: no `$`). Descriptions are
 * written as paragraphs hard-wrapped at 120 columns in the source; their line breaks are joined before oclif wraps
 * them at the terminal's width, so no line is broken twice (ragged) on a narrow terminal.
 */
export default class KvaHelp extends Help {
  protected override log(...args: string[]): void {
    super.log(...args.map((text) => text.replace(/^(\s*)\$ /gm, '$1')))
  }

  protected override formatCommand(command: Command.Loadable): string {
    if (command.description === undefined) return super.formatCommand(command)
    return super.formatCommand({...command, description: unwrapParagraphs(command.description)})
  }
}

/** Joins the lines of each paragraph (paragraphs are separated by a blank line); list items keep their line. */
export function unwrapParagraphs(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.replace(/\n(?!\s*(?:[-*•]|\d+\.)\s)/g, ' ').replace(/ {2,}/g, ' '))
    .join('\n\n')
}
