import {Args, Flags} from '@oclif/core'

import {BaseCommand, outputFlag} from '../cli/base-command.js'
import {commandResult, type RunResult} from '../cli/exit-codes.js'
import {manifestFlags} from '../cli/input-flags.js'
import {kubeFlags} from '../cli/kube-flags.js'
import {promFlags} from '../cli/prom-flags.js'
import {scalerFlags} from '../cli/scaler-flags.js'
import {UsageError} from '../core/errors.js'
import {policyNames} from '../core/plan/scaler-queries.js'

import type {ScalersFormat, ScalersOptions} from '../cli/scalers-options.js'

// The shared kubeconfig, input and Prometheus flags, worded for scalers; the WVA-only ones left out.
const {'controller-namespace': _controllerNamespace, ...scalerKubeFlags} = kubeFlags
const {window: _window, 'wva-compat': _wvaCompat, ...scalerPromFlags} = promFlags
const scalerInputFlags = {
  filename: Flags.string({
    char: 'f',
    description:
      'Read scalers, their targets and ScalerMetrics (recorded query results) from manifest files or directories ' +
      'instead of the cluster (repeatable; - for stdin).',
    multiple: true,
    multipleNonGreedy: true,
    helpGroup: 'INPUT',
  }),
  recursive: manifestFlags.recursive,
}
const formats: ScalersFormat[] = ['table', 'wide', 'json', 'yaml', 'csv']

export default class Scalers extends BaseCommand {
  static override usage = 'scalers [NAME...] [flags]'
  static override summary = 'List, replay and compare the HPAs and KEDA ScaledObjects that scale vLLM workloads'
  static override description =
    `Lists the HorizontalPodAutoscalers and KEDA ScaledObjects that scale vLLM / llm-d workloads, with their triggers,
the current value of each (evaluated from its Prometheus query here) and the replicas. With --since or --from/--to,
replays the named scalers over history as kube-controller-manager (v1.34) and KEDA (v2.20.2) would have decided, step
by step, and compares what-ifs on the same traffic (--threshold, --min/--max, --stabilization, --policy,
--scaler-file): GPU-hours, scaling events, minutes over the SLOs and the largest lag. With -f it works offline from
manifests and a ScalerMetrics file of recorded query results. Read-only.`

  static override examples = [
    '# The scalers of vLLM workloads in every namespace, with their metric values now\n<%= config.bin %> scalers -A',
    '# Offline: manifests and recorded metrics\n<%= config.bin %> scalers -f examples/scalers/',
    '# Replay a scaler over recorded history, and the saturation overlay on the same traffic\n<%= config.bin %> ' +
      'scalers qwen-32b -f examples/scalers/ --from 2026-08-10T10:00:00Z --to 2026-08-10T12:00:00Z --policy saturation',
    '# Step for step as the HPA syncs, offline\n<%= config.bin %> scalers llama-8b -f examples/scalers/ ' +
      '--from 2026-08-10T10:00:00Z --to 2026-08-10T10:30:00Z --step 15s --no-chart',
  ]

  static override args = {
    names: Args.string({
      description: 'HPA or ScaledObject names (default: all in scope).',
      required: false,
      ignoreStdin: true,
    }),
  }
  static override strict = false
  static completionValues = {output: formats, policy: [...policyNames], why: ['changes', 'all', 'none']}

  static override flags = {
    ...scalerInputFlags,
    ...scalerFlags,
    ...scalerKubeFlags,
    'all-namespaces': Flags.boolean({
      char: 'A',
      description: 'List scalers across all namespaces. Namespace in current context is ignored.',
      helpGroup: 'KUBECONFIG',
    }),
    ...scalerPromFlags,
    output: outputFlag(formats, 'Output format: wide|json|yaml|csv (default: table).'),
    'no-headers': Flags.boolean({description: 'Do not print the table header.', helpGroup: 'OUTPUT'}),
  }

  async run(): Promise<RunResult> {
    const {argv, flags} = await this.parse(Scalers)
    const now = new Date()
    const {scalersOptions} = await import('../cli/scalers-options.js')
    const options = scalersOptions(flags, argv, now)
    const {output, names, mode} = options
    const inputs = await this.readInputs(options)
    const errors: string[] = [...inputs.problems]
    const warnings = [...inputs.warnings]
    try {
      const scalerInputs = {objects: inputs.objects, names, namespace: inputs.namespace, reader: inputs.reader}
      const {listScalers, replayScalers} = await import('../core/run/scalers.js')
      if (mode.mode !== 'replay') {
        const atMs = inputs.atMs ?? now.getTime()
        const outcome =
          inputs.prometheusError === null
            ? await listScalers(scalerInputs, {atMs})
            : await listScalers({...scalerInputs, reader: null}, {atMs})
        const prometheusError = inputs.prometheusError ?? outcome.prometheusError
        const {renderScalerTable, renderScalerListCsv} = await import('../core/render/scalers.js')
        await this.out.print(output, {
          data: () => outcome.view,
          text: (format) => {
            if (outcome.view.items.length === 0) return ''
            if (format === 'csv') return renderScalerListCsv(outcome.view)
            return renderScalerTable(outcome.view, {
              wide: format === 'wide',
              noHeaders: options.noHeaders,
              showNamespace:
                options.allNamespaces || new Set(outcome.view.items.map((item) => item.namespace)).size > 1,
            })
          },
        })
        errors.push(...outcome.errors)
        warnings.push(...outcome.warnings)
        if (outcome.view.items.length === 0 && outcome.errors.length === 0) {
          process.stderr.write(
            `No HPAs or ScaledObjects of vLLM workloads found` +
              `${inputs.namespace ? ` in ${inputs.namespace} namespace` : ''}.\n`,
          )
        }
        this.report(errors, warnings, prometheusError?.message, prometheusError?.hint)
        return this.result(prometheusError !== null, outcome.evaluated, errors.length)
      }
      const grid = {
        startMs: mode.range.start.getTime(),
        stepMs: mode.range.stepSeconds * 1000,
        count:
          Math.floor((mode.range.end.getTime() - mode.range.start.getTime()) / (mode.range.stepSeconds * 1000)) + 1,
      }
      const scalerFiles = await this.readScalerFiles(options.scaler.scalerFiles)
      const outcome = await replayScalers(
        inputs.prometheusError === null ? scalerInputs : {...scalerInputs, reader: null},
        {
          grid,
          whatIf: options.scaler.whatIf,
          policies: options.scaler.policies,
          scalerFiles,
          sloTtftMs: options.scaler.sloTtftMs,
          sloItlMs: options.scaler.sloItlMs,
          acceleratorsPerReplica: options.scaler.acceleratorsPerReplica,
          explain: options.scaler.why === 'all' || output === 'wide' ? 'all' : 'changes',
        },
      )
      const prometheusError = inputs.prometheusError ?? outcome.prometheusError
      const render = await import('../core/render/scalers.js')
      if (output === 'json' || output === 'yaml') await this.out.data(outcome.view, output)
      else if (output === 'csv') {
        this.out.write(render.renderScalerReplayCsv(outcome.view))
        for (const note of outcome.notes) process.stderr.write(`note: ${note}\n`)
      } else if (prometheusError === null) {
        if (options.chart !== false) {
          const {chartOptionsFor} = await import('../core/render/chart.js')
          const charts = render.renderScalerCharts(outcome.view, chartOptionsFor(this.out.stream, process.env))
          if (charts !== '') this.out.write(`${charts}\n`)
        }
        this.out.write(
          render.renderComparisonTable(outcome.view, {noHeaders: options.noHeaders, wide: output === 'wide'}),
        )
        if (outcome.notes.length > 0) this.out.write(outcome.notes.map((note) => `note: ${note}\n`).join(''))
        if (options.scaler.why !== 'none') {
          const reasons = render.renderReasons(outcome.view, {all: options.scaler.why === 'all' || output === 'wide'})
          if (reasons !== '') this.out.write(`\n${reasons}`)
        }
      }
      errors.push(...outcome.errors)
      warnings.push(...outcome.warnings)
      this.report(errors, warnings, prometheusError?.message, prometheusError?.hint)
      return this.result(prometheusError !== null, outcome.evaluated, errors.length)
    } finally {
      await inputs.close()
    }
  }

  private report(errors: string[], warnings: string[], prometheus?: string, hint?: string): void {
    for (const warning of warnings) this.warnLine(warning)
    for (const error of errors) process.stderr.write(`error: ${error}\n`)
    if (prometheus !== undefined) process.stderr.write(`error: ${prometheus}${hint === undefined ? '' : `; ${hint}`}\n`)
  }

  private result(prometheusFailed: boolean, evaluated: number, failures: number): RunResult {
    if (failures === 0) return commandResult(prometheusFailed, 'all')
    return commandResult(prometheusFailed, evaluated > 0 ? 'partial' : 'none')
  }

  private async readScalerFiles(paths: string[]) {
    if (paths.length === 0) return []
    const {readManifestObjects} = await import('../core/read/manifests/read-manifests.js')
    const {isScalerObject} = await import('../core/model/scaler.js')
    const read = await readManifestObjects(paths)
    if (read.problems.length > 0) {
      const problem = read.problems[0]!
      throw new UsageError(`--scaler-file ${problem.source}: ${problem.message}`, {hint: problem.hint})
    }
    const scalers = read.objects.map((entry) => entry.object).filter(isScalerObject)
    if (scalers.length === 0) {
      throw new UsageError(`--scaler-file ${paths.join(', ')}: no HorizontalPodAutoscaler or ScaledObject`, {
        hint: 'pass a file with an autoscaling/v2 HPA or a keda.sh/v1alpha1 ScaledObject',
      })
    }
    return scalers
  }

  private async readInputs(options: ScalersOptions) {
    const settings = options.prometheus
    const at = options.atMs
    const source = options.source
    if (source.kind === 'manifests') {
      const {readManifestObjects} = await import('../core/read/manifests/read-manifests.js')
      const {isScalerMetrics, parseScalerMetrics, lastSampleMs} = await import(
        '../core/read/manifests/scaler-metrics.js'
      )
      const {recordedSeriesReader} = await import('../core/collect/scaler-series.js')
      const read = await readManifestObjects([...source.paths], {recursive: source.recursive})
      const problems = read.problems.map((problem) => `${problem.source}: ${problem.message}; ${problem.hint}`)
      const series = []
      let metricsDocuments = 0
      for (const {object, location} of read.objects) {
        if (!isScalerMetrics(object)) continue
        metricsDocuments++
        const parsed = parseScalerMetrics(object)
        series.push(...parsed.series)
        problems.push(...parsed.problems.map((problem) => `${location} (ScalerMetrics): ${problem}`))
      }
      const namespace = options.namespace
      return {
        objects: read.objects.map((entry) => entry.object).filter((object) => !isScalerMetrics(object)),
        namespace,
        reader:
          metricsDocuments === 0 || settings.enabled === false
            ? null
            : recordedSeriesReader(source.paths.join(','), series),
        prometheusError: null,
        atMs: at ?? lastSampleMs(series) ?? undefined,
        problems,
        warnings: [] as string[],
        close: async () => {},
      }
    }
    const cluster = source.cluster
    const {readLiveScalerInputs} = await import('../core/run/scalers-live.js')
    const live = await readLiveScalerInputs(
      {...cluster, kubeconfig: {...cluster.kubeconfig, secrets: this.secrets}},
      settings,
    )
    return {
      objects: live.objects,
      namespace: live.namespace,
      reader: live.reader,
      prometheusError: live.prometheusError,
      atMs: at,
      problems: [] as string[],
      warnings: live.warnings,
      close: () => live.close(),
    }
  }
}
