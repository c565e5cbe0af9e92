import type {DescribeItem, DescribePrometheus, DescribeView} from '../view/describe.js'
import type {DescribeEvent} from '../view/events.js'
import type {VaReport} from '../view/va-report.js'
import {age} from './age.js'
import {escapeTerminal, formatNumber, formatPercent} from './format.js'

export interface DescribeOptions {
  now: Date
  prometheus?: DescribePrometheus | null | undefined
  showQueries?: boolean
}

const shapeNames: Record<string, string> = {
  A: 'A (WVA v0.0.1-v0.4.2: spec.modelProfile, accelerator label)',
  B0: 'B0 (single-variant branch 4cf6eb6: spec.variantProfile)',
  B1: 'B1 (single-variant branch e46bd4b: spec.variantProfile, min/max replicas)',
  B2: 'B2 (single-variant branch 04a5b36: scaleTargetRef)',
  C: 'C (WVA v0.5.x: scaleTargetRef, saturation engine)',
  D: 'D (WVA v0.6-v0.8 VariantAutoscaling: scaleTargetRef, min/max replicas)',
  scaler: 'annotated scaler (WVA v0.8+: an HPA or ScaledObject with llm-d.ai/managed: "true")',
}

/** The text of `describe`: one block per VA, a blank line between them. */
export function renderDescribeView(view: DescribeView, options: {now: Date; showQueries?: boolean}): string {
  const blocks = view.items.map((item) =>
    renderDescribe(item, {now: options.now, prometheus: view.prometheus, showQueries: options.showQueries === true}),
  )
  return blocks.join('\n\n')
}

/** kubectl-describe-style text: `Name:` and `Namespace:` first, metrics as `current / target`, then the decision. */
export function renderDescribe(report: DescribeItem, options: DescribeOptions): string {
  const lines: string[] = []
  const field = (label: string, value: string, indent = 0) =>
    lines.push(`${' '.repeat(indent)}${`${label}:`.padEnd(28 - indent)}${value}`)
  field('Name', report.name)
  field('Namespace', report.namespace)
  field('Shape', shapeNames[report.shape] ?? report.shape)
  field('Engine', report.engine)
  field('Model', report.modelID)
  field('Accelerator', report.accelerator ?? '<unset> (label inference.optimization/acceleratorName missing)')
  if (report.variantID) field('Variant ID', report.variantID)
  field(
    'CreationTimestamp',
    report.creationTimestamp
      ? `${report.creationTimestamp} (${age(report.creationTimestamp, options.now)} ago)`
      : '<unknown>',
  )
  const r = report.replicas
  const found = report.target.found === false ? ' (not found)' : ''
  field('Target', `${report.target.kind}/${report.target.name}${found}`)
  if (report.target.found !== false)
    field('Replicas', `${show(r.desired)} desired | ${show(r.current)} current | ${show(r.ready)} ready`, 2)
  if (report.variant) renderVariant(report.variant, field, lines)

  const modelBased = report.engine === 'queueing-model'
  if (!modelBased) {
    // The saturation engines use neither a profile nor service classes.
  } else if (report.profile) {
    lines.push('Performance profile:')
    const p = report.profile
    field('Max batch size', String(p.maxBatchSize), 2)
    field('Accelerators per replica', String(p.acceleratorCount), 2)
    field('Decode (ITL, ms)', `${p.decodeParms.alpha ?? '?'} + ${p.decodeParms.beta ?? '?'} x batch`, 2)
    field('Prefill (ms)', `${p.prefillParms.gamma ?? '?'} + ${p.prefillParms.delta ?? '?'} x input tokens x batch`, 2)
  } else {
    field('Performance profile', '<none>')
  }
  field('Cost per replica', report.cost ?? '<unset>')

  if (modelBased) {
    const serviceClass = report.slo?.serviceClass ?? '<none> (no class in service-classes-config lists this model)'
    lines.push(`Service class:${' '.repeat(14)}${serviceClass}`)
  }
  const m = report.metrics
  const metricsWhere =
    m?.source === 'prometheus'
      ? `Prometheus, window ${options.prometheus?.window ?? '1m'}, at ${options.prometheus?.at ?? 'now'}`
      : m?.source === 'snapshot'
        ? 'MetricsSnapshot'
        : m?.source === 'status'
          ? 'status.currentAlloc (as last written by the controller; may be stale)'
          : 'none'
  lines.push(`Live metrics:${' '.repeat(15)}${metricsWhere}`)
  field('Arrival rate', m?.arrivalRateRpm == null ? '<unknown>' : `${formatNumber(m.arrivalRateRpm, 2)} req/min`, 2)
  field('Avg input tokens', m?.avgInputTokens == null ? '<unknown>' : formatNumber(m.avgInputTokens, 1), 2)
  field('Avg output tokens', m?.avgOutputTokens == null ? '<unknown>' : formatNumber(m.avgOutputTokens, 1), 2)
  field(
    'TTFT (current / target)',
    `${m?.ttftMs == null ? '<unknown>' : `${formatNumber(m.ttftMs, 1)} ms`} / ` +
      `${report.slo ? `${report.slo.ttftMs} ms` : '<none>'}`,
    2,
  )
  field(
    'ITL (current / target)',
    `${m?.itlMs == null ? '<unknown>' : `${formatNumber(m.itlMs, 1)} ms`} / ` +
      `${report.slo ? `${report.slo.itlMs} ms` : '<none>'}`,
    2,
  )
  if (report.pods && report.pods.length > 0) {
    lines.push('  Per pod (all variants of the model):')
    const rows = [
      ['Pod', 'Rate (req/min)', 'TTFT (ms)', 'ITL (ms)'],
      ...report.pods.map((pod) => [pod.pod, num(pod.arrivalRateRpm, 2), num(pod.ttftMs, 1), num(pod.itlMs, 1)]),
    ]
    const widths = [0, 1, 2].map((index) => Math.max(...rows.map((row) => row[index]!.length)))
    for (const row of rows)
      lines.push(`    ${row.map((cell, index) => (index < 3 ? cell.padEnd(widths[index]!) : cell)).join('  ')}`)
  }

  lines.push('Controller:')
  field(
    'Desired replicas',
    report.controller.desiredReplicas === null
      ? '<none>'
      : `${report.controller.desiredReplicas}` +
          (report.controller.desiredAccelerator ? ` on ${report.controller.desiredAccelerator}` : ''),
    2,
  )
  field(
    'Last run',
    report.controller.lastRunTime
      ? `${report.controller.lastRunTime} (${age(report.controller.lastRunTime, options.now)} ago)`
      : '<never>',
    2,
  )
  field(
    'Desired replicas gauge',
    report.controller.gaugeDesiredReplicas === null ? '<none>' : String(report.controller.gaugeDesiredReplicas),
    2,
  )
  if (report.controller.conditions.length > 0) {
    lines.push('  Conditions:')
    const rows = [
      ['Type', 'Status', 'Reason', 'Message'],
      ['----', '------', '------', '-------'],
      ...report.controller.conditions.map((c) => [c.type, c.status, c.reason ?? '', c.message ?? '']),
    ]
    const widths = [0, 1, 2].map((index) => Math.max(...rows.map((row) => row[index]!.length)))
    for (const row of rows)
      lines.push(
        `    ${row.map((cell, index) => (index < 3 ? cell.padEnd(widths[index]!) : cell)).join('  ')}`.trimEnd(),
      )
  }

  const ours = report.recomputed
  const saturation = ours.saturation
  lines.push(
    saturation
      ? `Decision (kubectl-va, same ${saturation.engine} engine as the controller):`
      : 'Decision (kubectl-va, same optimizer as the controller):',
  )
  if (saturation) field('Engine', `${saturation.engine} (${saturation.engineWhy})`, 2)
  if (report.variant && !saturation) {
    const variant = report.variant
    field('Engine', `${report.engine} (WVA ${variant.release})`, 2)
    if (variant.optimizer) field('Optimizer', variant.optimizer, 2)
    if (variant.outcome !== 'decided') field('Variant outcome', variant.outcome, 2)
    const capacity = variant.capacity
    if (capacity) {
      const unit = capacity.unit === 'tokens' ? 'tokens' : 'req/s'
      const digits = capacity.unit === 'tokens' ? 0 : 2
      field(
        'Model supply / demand',
        `${formatNumber(capacity.supply, digits)} / ${formatNumber(capacity.demand, digits)} ${unit}`,
        2,
      )
      field('Model utilization', formatPercent(capacity.utilization), 2)
      field(
        'Required / spare',
        `${formatNumber(capacity.required, digits)} / ${formatNumber(capacity.spare, digits)} ${unit}`,
        2,
      )
    }
    if (variant.utilization !== null) field('Variant utilization', formatPercent(variant.utilization), 2)
  }
  field('Outcome', saturation?.action ? `${ours.outcome} (${saturation.action})` : ours.outcome, 2)
  const current = r.desired
  field('Replicas', `${show(current)} current / ${ours.replicas === null ? '<none>' : ours.replicas} desired`, 2)
  if (saturation) renderSaturation(saturation, field, lines)
  if (ours.prediction) {
    field(
      'Max rate per replica',
      `${formatNumber(ours.prediction.maxRatePerReplica, 1)} req/min (bound by ` +
        `${ours.boundBy === 'itl' ? 'ITL' : 'TTFT'} SLO)`,
      2,
    )
    if (current !== null)
      field(
        'Headroom',
        `${current} current replica${current === 1 ? ' absorbs' : 's absorb'} up to ` +
          `${formatNumber(ours.prediction.maxRatePerReplica * current, 1)} req/min`,
        2,
      )
    field(
      'Predicted at desired',
      `TTFT ${formatNumber(ours.prediction.ttftMs, 1)} ms, ITL ${formatNumber(ours.prediction.itlMs, 1)} ms, ` +
        `batch utilization ${formatPercent(ours.prediction.utilization)}`,
      2,
    )
  }
  for (const [index, sentence] of report.explanation.entries()) {
    const indent = index === 0 ? `  ${'Reason:'.padEnd(26)}` : ' '.repeat(28)
    lines.push(`${indent}${sentence.trimStart().startsWith('- ') ? sentence.trim() : sentence}`)
  }

  const compat = report.withControllerInputs
  if (compat && compat.replicas !== ours.replicas) {
    field(
      'With controller inputs',
      `${compat.replicas ?? '<none>'} (${compat.outcome}): the controller (${compat.profile} collector) ` +
        `reads other inputs than the real measurement (e.g. 0 input tokens, queue time as TTFT); rerun with ` +
        `--wva-compat to compute with them`,
      2,
    )
  }

  // Our own events of the variant only when describe did not list the object's events itself.
  if (report.variant) renderVariantController(report.variant, lines, options.now, !report.events)
  if (report.problems.length > 0) {
    lines.push('Problems:')
    for (const problem of report.problems) lines.push(`  ${problem}`)
  }
  if (options.prometheus) {
    const p = options.prometheus
    lines.push(`Prometheus:${' '.repeat(17)}${p.url ?? '<none>'}`)
    if (p.foundBy) field('Found by', p.foundBy, 2)
    if (p.error) field('Error', p.error, 2)
    if (options.showQueries && p.queries.length > 0) {
      lines.push('  Queries:')
      for (const query of p.queries) lines.push(`    # ${query.quantity}`, `    ${query.promql}`)
    }
  }
  if (report.events) renderEvents(report.events, options.now, lines)
  // Names, model IDs and condition messages come from the cluster: escape them as kubectl describe does.
  return escapeTerminal(`${lines.join('\n')}\n`, {keepNewlines: true})
}

function renderVariant(
  variant: NonNullable<VaReport['variant']>,
  field: (label: string, value: string, indent?: number) => void,
  lines: string[],
): void {
  field('Kind', variant.kind)
  field('Min/max replicas', `${variant.minReplicas} / ${variant.maxReplicas}`)
  field('Role', variant.role)
  const scaler = variant.scaler
  if (scaler) {
    lines.push('Scaler:')
    field('Type', scaler.kind === 'ScaledObject' ? 'KEDA ScaledObject' : 'HorizontalPodAutoscaler (autoscaling/v2)', 2)
    field('Triggers', scaler.triggers.length === 0 ? '<none>' : scaler.triggers.join(', '), 2)
    field('Status', `${show(scaler.currentReplicas)} current | ${show(scaler.desiredReplicas)} desired`, 2)
  }
}

/** WVA v0.6+: the controller's wva_* gauges for the variant and its last events, as kubectl describe lists them. */
function renderVariantController(
  variant: NonNullable<VaReport['variant']>,
  lines: string[],
  now: Date,
  withEvents: boolean,
): void {
  const gauges = Object.entries(variant.gauges)
  if (gauges.length > 0) {
    lines.push('Controller gauges:')
    const width = Math.max(...gauges.map(([name]) => name.length))
    for (const [name, value] of gauges) lines.push(`  ${name.padEnd(width)}  ${formatNumber(value, 3)}`)
  }
  if (!withEvents || variant.events.length === 0) return
  lines.push('Events:')
  const rows = [
    ['Type', 'Reason', 'Age', 'Message'],
    ['----', '------', '---', '-------'],
    ...variant.events.map((event) => [
      event.type,
      event.reason,
      event.lastSeen ? `${age(event.lastSeen, now)}${event.count > 1 ? ` (x${event.count})` : ''}` : '<unknown>',
      event.message,
    ]),
  ]
  const widths = [0, 1, 2].map((index) => Math.max(...rows.map((row) => row[index]!.length)))
  for (const row of rows) {
    lines.push(`  ${row.map((cell, index) => (index < 3 ? cell.padEnd(widths[index]!) : cell)).join('  ')}`.trimEnd())
  }
}

/** kubectl describe's Events: `<none>`, or a table with the age (and count) of the last occurrence. */
function renderEvents(events: readonly DescribeEvent[], now: Date, lines: string[]): void {
  if (events.length === 0) {
    lines.push(`Events:${' '.repeat(21)}<none>`)
    return
  }
  lines.push('Events:')
  const when = (event: DescribeEvent) => {
    const last = event.lastTime === null ? '<unknown>' : age(event.lastTime, now)
    return event.count > 1 ? `${last} (x${event.count})` : last
  }
  const rows = [
    ['Type', 'Reason', 'Age', 'Object', 'From', 'Message'],
    ['----', '------', '---', '------', '----', '-------'],
    ...events.map((event) => [event.type, event.reason, when(event), event.object, event.from, event.message]),
  ]
  const widths = [0, 1, 2, 3, 4].map((index) => Math.max(...rows.map((row) => row[index]!.length)))
  for (const row of rows)
    lines.push(`  ${row.map((cell, index) => (index < 5 ? cell.padEnd(widths[index]!) : cell)).join('  ')}`)
}

function renderSaturation(
  saturation: NonNullable<VaReport['recomputed']['saturation']>,
  field: (label: string, value: string, indent?: number) => void,
  lines: string[],
): void {
  if (saturation.pendingReplicas) field('Pending replicas', String(saturation.pendingReplicas), 2)
  const model = saturation.model
  if (model) {
    field(
      'Saturated at',
      `KV cache >= ${formatNumber(model.kvCacheThreshold * 100, 1)}% or queue >= ` +
        `${formatNumber(model.queueLengthThreshold, 1)}`,
      2,
    )
    field(
      'Spare KV (avg/trigger)',
      `${formatNumber(model.avgSpareKvCapacity, 3)} / ${formatNumber(model.kvSpareTrigger, 3)}`,
      2,
    )
    field(
      'Spare queue (avg/trigger)',
      `${formatNumber(model.avgSpareQueueLength, 2)} / ${formatNumber(model.queueSpareTrigger, 2)}`,
      2,
    )
    field(
      'Non-saturated replicas',
      `${model.nonSaturatedReplicas} of ${model.totalReplicas} (model ${saturation.group})`,
      2,
    )
  }
  if (saturation.pods.length > 0) {
    lines.push('  Pods:')
    const rows = [
      ['Pod', 'KV cache', 'Queue', 'Saturated'],
      ...saturation.pods.map((pod) => [
        pod.name,
        pod.kvCacheUsage === null ? '<none>' : `${formatNumber(pod.kvCacheUsage * 100, 1)}%`,
        pod.queueLength === null ? '<none>' : String(pod.queueLength),
        pod.isSaturated === null ? '<unknown>' : pod.isSaturated ? 'yes' : 'no',
      ]),
    ]
    const widths = [0, 1, 2].map((index) => Math.max(...rows.map((row) => row[index]!.length)))
    for (const row of rows)
      lines.push(`    ${row.map((cell, index) => (index < 3 ? cell.padEnd(widths[index]!) : cell)).join('  ')}`)
  }
}

function num(value: number | undefined, decimals: number): string {
  return value === undefined ? '<unknown>' : formatNumber(value, decimals)
}

function show(value: number | null): string {
  return value === null ? '<unknown>' : String(value)
}
