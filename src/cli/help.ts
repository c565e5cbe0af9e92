import {Help} from '@oclif/core'

/** kubectl's help shows examples and usage without a shell prompt; so does ours (style.md: no `$`). */
export default class KvaHelp extends Help {
  protected override log(...args: string[]): void {
    super.log(...args.map((text) => text.replace(/^(\s*)\$ /gm, '$1')))
  }
}
