import {BaseCommand, outputFlag, parseOutputFormat} from '../cli/base-command.js'

export default class Version extends BaseCommand {
  static override summary = 'Print the kubectl-va version'
  static override examples = [
    '# Print the version\n<%= config.bin %> version',
    '# As JSON, for scripts\n<%= config.bin %> version -o json',
  ]
  static override flags = {
    output: outputFlag(['table', 'json', 'yaml'], 'Output format: json|yaml (default: one line).'),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Version)
    const info = {
      clientVersion: this.config.version,
      nodeVersion: process.version,
      platform: `${process.platform}/${process.arch}`,
    }
    switch (parseOutputFormat(flags.output, ['table', 'json', 'yaml'])) {
      case 'json':
        await this.out.data(info, 'json')
        break
      case 'yaml':
        this.out.write(
          `clientVersion: ${info.clientVersion}\nnodeVersion: ${info.nodeVersion}\nplatform: ${info.platform}`,
        )
        break
      default:
        this.out.write(`kubectl-va version ${info.clientVersion} (node ${info.nodeVersion}, ${info.platform})`)
    }
  }
}
