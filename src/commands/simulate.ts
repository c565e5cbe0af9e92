import {Args, Flags} from '@oclif/core'

import {BaseCommand, outputFlag, parseOutputFormat} from '../cli/base-command.js'
import {ExitCode} from '../cli/exit-codes.js'
import {toWhatIf, whatIfFlags} from '../cli/what-if-flags.js'
import {UsageError} from '../core/errors.js'

export default class Simulate extends BaseCommand {
  static override summary = 'Dry-run WVA scaling decisions at another load, other SLOs or another batch size'
  static override description = `Runs the WVA controller's queueing-model optimizer locally, number for number, and prints the replicas it would
decide for each VariantAutoscaling. With -f it works fully offline from manifest files: VariantAutoscalings, the
ConfigMaps service-classes-config and accelerator-unit-costs, optionally Deployments (current replicas) and a
MetricsSnapshot (load). What-if flags replace parts of the inputs. Nothing is ever written to a cluster.`

  static override examples = [
    '# Simulate every VA in a manifest file\n<%= config.bin %> simulate -f examples/quickstart.yaml',
    '# What if traffic doubles?\n<%= config.bin %> simulate -f examples/quickstart.yaml --load-scale 2',
    '# A tighter TTFT target and a smaller batch, for one VA\n<%= config.bin %> simulate llama-8b-h100 -f examples/ --slo-ttft 200 --max-batch 64',
    '# Machine-readable output for CI\n<%= config.bin %> simulate -f examples/quickstart.yaml -o json',
  ]

  // ignoreStdin: oclif would otherwise read piped stdin as the VA name; stdin is for `-f -`.
  static override args = {names: Args.string({description: 'Only these VariantAutoscalings (by name).', required: false, ignoreStdin: true})}
  static override strict = false

  static override flags = {
    filename: Flags.string({char: 'f', description: 'Manifest file or directory (repeatable; - reads stdin).', multiple: true, helpGroup: 'INPUT'}),
    recursive: Flags.boolean({char: 'R', description: 'Process the directory used in -f recursively.', helpGroup: 'INPUT'}),
    ...whatIfFlags,
    output: outputFlag(['table', 'wide', 'json', 'yaml'], 'Output format: wide|json|yaml (default: table).'),
    'no-headers': Flags.boolean({description: 'Do not print the table header.', helpGroup: 'OUTPUT'}),
  }

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(Simulate)
    const output = parseOutputFormat(flags.output, ['table', 'wide', 'json', 'yaml'])
    const whatIf = toWhatIf(flags)
    if (!flags.filename || flags.filename.length === 0) {
      throw new UsageError('simulate needs manifests: pass -f FILE|DIR', {hint: 'live simulation against a cluster is not available yet'})
    }
    const names = argv as string[]
    const {readManifests} = await import('../core/manifest/read-manifests.js')
    const {simulate} = await import('../core/inspect/simulate.js')
    const read = await readManifests(flags.filename, {recursive: flags.recursive})
    for (const warning of read.sources.warnings) this.warnLine(warning)
    for (const problem of read.problems) process.stderr.write(`error: ${problem.source}: ${problem.message}\n`)

    const result = simulate(read.sources, {whatIf})
    const items = names.length > 0 ? result.items.filter((item) => names.includes(item.name)) : result.items
    const missing = names.filter((name) => !result.items.some((item) => item.name === name))
    for (const name of missing) process.stderr.write(`error: variantautoscaling "${name}" not found in the manifests\n`)
    if (whatIf.replicas !== undefined && items.some((item) => item.current.source === 'deployment' || item.current.source === 'status')) {
      this.warnLine('--replicas applies only to VAs whose manifests give no current replicas (no Deployment, no status)')
    }

    if (items.length === 0 && read.problems.length === 0 && missing.length === 0) {
      process.stderr.write('No VariantAutoscalings found in the manifests.\n')
    }
    const {renderSimulationTable, simulationNotes} = await import('../core/render/simulation.js')
    if (output === 'json' || output === 'yaml') {
      const {serialize} = await import('../core/render/serialize.js')
      this.write(serialize({...result, items}, output))
    } else if (items.length > 0) {
      const namespaces = new Set(items.map((item) => item.namespace))
      this.write(renderSimulationTable(items, {wide: output === 'wide', noHeaders: flags['no-headers'], showNamespace: namespaces.size > 1}))
    }
    for (const note of simulationNotes(items)) process.stderr.write(`${note}\n`)

    const failed = read.problems.length > 0 || missing.length > 0 || items.some((item) => item.outcome === 'skipped')
    if (failed) process.exitCode = items.some((item) => item.outcome !== 'skipped') ? ExitCode.partial : ExitCode.input
  }
}
