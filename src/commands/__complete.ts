import {Command} from '@oclif/core'

import {completionCommandsFrom} from '../cli/completion-manifest.js'
import {OutputWriter} from '../cli/output.js'
import {Directive, complete, formatCompletion, type CompletionResult} from '../cli/completion/complete.js'

/**
 * Cobra's completion protocol, for kubectl's plugin completion (through kubectl_complete-va) and for the scripts
 * of `kubectl va completion`. It reads commands and flags from the oclif manifest, so it loads no command file.
 */
export default class Complete extends Command {
  static override hidden = true
  static override strict = false
  static override summary = 'Print completion candidates for the words given (Cobra protocol)'

  async run(): Promise<void> {
    // Callers put `--` first so that a typed `--help` reaches us rather than oclif's help.
    const words = this.argv[0] === '--' ? this.argv.slice(1) : this.argv
    let result: CompletionResult
    try {
      const {clusterLookups} = await import('../cli/completion/cluster-lookups.js')
      result = await complete(
        words.length === 0 ? [''] : words,
        completionCommandsFrom(this.config.commands),
        clusterLookups(),
      )
    } catch {
      // Never print an error into the user's shell.
      result = {candidates: [], directive: Directive.error}
    }
    new OutputWriter().writeRaw(formatCompletion(result, process.env.KUBECTL_VA_COMPLETION_DESCRIPTIONS !== '0'))
  }
}
