import {Flags} from '@oclif/core'

import {BaseCommand, outputFlag, parseOutputFormat} from '../cli/base-command.js'
import type {RunResult} from '../cli/exit-codes.js'
import {manifestFlags, vaNamesArg} from '../cli/input-flags.js'
import {kubeFlags} from '../cli/kube-flags.js'
import {promFlags} from '../cli/prom-flags.js'

export default class Get extends BaseCommand {
  static override usage = 'get [NAME...] [flags]'
  static override summary = 'Show live load, SLOs and desired replicas of VariantAutoscalings'
  static override description =
    `Lists VariantAutoscalings with their model, accelerator, live load and latency (from the same Prometheus queries
the WVA controller runs) against the SLOs, the target Deployment's replicas, the controller's desired replicas and
the desired replicas recomputed here with the controller's optimizer. Read-only.`

  static override examples = [
    '# Every VA in the current namespace\n<%= config.bin %> get',
    '# Every VA in every namespace\n<%= config.bin %> get -A',
    '# One VA, with shape, SLOs, cost and last run\n<%= config.bin %> get llama-8b-h100 -n llm -o wide',
    '# Metrics as they were 15 minutes ago\n<%= config.bin %> get -A --at=-15m',
    '# Offline, from manifest files\n<%= config.bin %> get -f examples/quickstart.yaml',
  ]

  static override args = vaNamesArg
  static override strict = false

  static override flags = {
    ...kubeFlags,
    ...promFlags,
    ...manifestFlags,
    output: outputFlag(
      ['table', 'wide', 'json', 'yaml', 'name'],
      'Output format: wide|json|yaml|name (default: table).',
    ),
    'no-headers': Flags.boolean({description: 'Do not print the table header.', helpGroup: 'OUTPUT'}),
  }

  async run(): Promise<RunResult> {
    const {argv, flags} = await this.parse(Get)
    const output = parseOutputFormat(flags.output, ['table', 'wide', 'json', 'yaml', 'name'])
    const names = argv as string[]
    const now = new Date()
    const {inspectInputs} = await import('../cli/inspect-inputs.js')
    const {inspectResult, vaProblemLine} = await import('../cli/report.js')
    const {inputs, list, items, missing} = await inspectInputs(flags, names, now, {secrets: this.secrets})
    await this.out.print(output, {
      data: () => ({...list, items}),
      text: async (format) => {
        const {renderGetTable, renderNames} = await import('../core/render/get.js')
        if (format === 'name') return renderNames(items)
        if (items.length === 0) return ''
        const color = this.useColor(flags['no-color'])
        const chalk = color ? (await import('chalk')).default : undefined
        return renderGetTable(items, {
          wide: format === 'wide',
          noHeaders: flags['no-headers'],
          allNamespaces: flags['all-namespaces'] || new Set(items.map((item) => item.namespace)).size > 1,
          variants: items.some((item) => item.variant !== undefined),
          now,
          highlight: chalk ? (text) => chalk.red(text) : undefined,
        })
      },
    })
    for (const item of items) for (const problem of item.problems) process.stderr.write(vaProblemLine(item, problem))
    return inspectResult(inputs, items, missing)
  }
}
