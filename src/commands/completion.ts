import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {findPluginDir, installKubectlShim} from '../cli/completion-install.js'
import {completionScript, completionShells, isCompletionShell} from '../cli/completion-scripts.js'
import {shownValue, UsageError} from '../core/errors.js'

export default class Completion extends BaseCommand {
  static override summary = 'Print a shell completion script or install the kubectl shim'
  static override description =
    `kubectl (1.26 or later) completes "kubectl va <TAB>" by running kubectl_complete-va from your PATH.
install-kubectl-shim writes that file next to kubectl-va (krew's bin directory when installed with krew).
bash, zsh, fish and powershell print a script that completes kubectl-va when run directly.`
  static override examples = [
    '# Complete "kubectl va <TAB>" in any shell where kubectl completion works\n<%= config.bin %> completion ' +
      'install-kubectl-shim',
    // An object, so that --help shows the line as a command although it does not start with the binary's name.
    {
      description: '# Complete kubectl-va in bash, for the current shell',
      command: 'source <(<%= config.bin %> completion bash)',
    },
    // biome-ignore lint/suspicious/noTemplateCurlyInString: ${fpath[1]} is zsh syntax in a shell example, not JS
    '# Install the zsh function\n<%= config.bin %> completion zsh > "${fpath[1]}/_kubectl-va"',
  ]
  static override args = {
    shell: Args.string({description: 'bash, zsh, fish, powershell, or install-kubectl-shim', required: true}),
  }
  // Not oclif `options`: oclif's error for a wrong one exits 1, and a usage error exits 2.
  static completionValues = {shell: [...completionShells, 'install-kubectl-shim']}
  static override flags = {
    dir: Flags.string({
      description: 'Directory for install-kubectl-shim (default: the directory of the kubectl-va on PATH).',
    }),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Completion)
    if (args.shell !== 'install-kubectl-shim') {
      if (!isCompletionShell(args.shell)) {
        throw new UsageError(`${shownValue(args.shell)}: unknown shell`, {
          hint: `use one of ${Completion.completionValues.shell.join(', ')}`,
        })
      }
      if (flags.dir !== undefined) {
        throw new UsageError('--dir: only applies to install-kubectl-shim', {hint: 'drop --dir'})
      }
      this.out.write(completionScript(args.shell))
      return
    }
    const dir = flags.dir ?? findPluginDir()
    if (!dir) {
      throw new UsageError('install-kubectl-shim: cannot tell where kubectl-va is installed', {
        hint: 'pass --dir with a directory on your PATH',
      })
    }
    this.out.write(`${installKubectlShim(dir)} written; "kubectl va <TAB>" now completes (kubectl 1.26 or later)`)
  }
}
