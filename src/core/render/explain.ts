import {humanDuration} from './age.js'
import {formatNumber} from './format.js'
import type {VaReport} from '../view/va-report.js'

/** Controllers reconcile every GLOBAL_OPT_INTERVAL (60 s by default); a status older than this is stale. */
export const staleStatusAfterMs = 5 * 60_000

/**
 * Why our recomputed replicas and the controller's differ, in words an operator can act on. Pure: the report and
 * the current time in, sentences out.
 */
export function explainDecision(report: VaReport, now: Date): string[] {
  const sentences: string[] = []
  const ours = report.recomputed
  const controller = report.controller.desiredReplicas
  const rate = report.metrics?.arrivalRateRpm
  const prediction = ours.prediction

  if (report.variant && report.recomputed.saturation === null) return explainVariant(report)
  // The first sentences say why, from the reason code and the facts of the report.
  switch (report.reason) {
    case 'saturation-scale-up':
    case 'saturation-scale-down':
    case 'saturation-no-change':
    case 'saturation-skipped':
      sentences.push(...(ours.saturation?.explanation ?? []))
      break
    case 'sized-ttft':
    case 'sized-itl':
      if (prediction && rate !== null && rate !== undefined && ours.replicas !== null) {
        sentences.push(
          `${fmt(rate)} req/min at up to ${fmt(prediction.maxRatePerReplica)} req/min per replica (bound ` +
            `by the ${report.reason === 'sized-itl' ? 'ITL' : 'TTFT'} SLO) needs ${ours.replicas} ` +
            `replica${ours.replicas === 1 ? '' : 's'}`,
        )
      }
      break
    case 'zero-load':
      sentences.push(
        `no load (arrival rate or output tokens round to 0): the controller keeps its minimum of ` +
          `${ours.replicas ?? 0} replica${ours.replicas === 1 ? '' : 's'}`,
      )
      break
    case 'infeasible':
      sentences.push(
        `infeasible: ${ours.reason ?? 'the SLOs cannot be met'}; the controller writes no decision for this VA`,
      )
      break
    case 'skipped':
      sentences.push(`not recomputed: ${ours.reason ?? 'inputs are missing'}`)
      break
  }

  if (controller === null) {
    sentences.push('the controller has not written a decision yet (status.desiredOptimizedAlloc is empty)')
  } else if (ours.replicas !== null && ours.replicas !== controller) {
    sentences.push(`the controller's status says ${controller}, we compute ${ours.replicas}:`)
    const lastRun = report.controller.lastRunTime ? Date.parse(report.controller.lastRunTime) : Number.NaN
    if (!Number.isNaN(lastRun) && now.getTime() - lastRun > staleStatusAfterMs) {
      sentences.push(`  - the status is stale: last written ${humanDuration(now.getTime() - lastRun)} ago`)
    }
    if (ours.saturation)
      sentences.push(
        '  - the controller moves one variant by one replica per cycle; its status shows the last step it took',
      )
    else if (report.metrics?.source === 'prometheus')
      sentences.push('  - the load may have changed since the controller last ran (we use the load now)')
    if (report.metrics?.source === 'status')
      sentences.push(
        '  - we computed from the load the controller last stored in status (Prometheus was not queried or ' +
          'not reachable)',
      )
    if (report.controller.gaugeDesiredReplicas !== null && report.controller.gaugeDesiredReplicas !== controller) {
      sentences.push(
        `  - its gauge says ${report.controller.gaugeDesiredReplicas}: the status write may have failed ` +
          `(e.g. scale-to-zero with an empty accelerator)`,
      )
    }
    if (!report.accelerator) sentences.push('  - the VA has no accelerator label, so the controller skips it')
  } else if (ours.replicas !== null) {
    sentences.push('agrees with the controller')
  }
  return sentences
}

/** WVA v0.6-v0.9: the engine's reason, then how it compares with what the controller last decided. */
function explainVariant(report: VaReport): string[] {
  const ours = report.recomputed
  const variant = report.variant!
  const sentences: string[] = [ours.reason ?? (ours.replicas === null ? 'not decided' : 'decided')]
  const controller = report.controller.desiredReplicas ?? report.controller.gaugeDesiredReplicas
  if (controller === null) {
    sentences.push(
      variant.kind === 'VariantAutoscaling'
        ? 'the controller has not written a decision yet (status.desiredOptimizedAlloc.numReplicas is absent)'
        : 'the controller keeps no status on a scaler: its decision is the wva_desired_replicas gauge, not read',
    )
  } else if (ours.replicas !== null && ours.replicas !== controller) {
    sentences.push(`the controller says ${controller}, we compute ${ours.replicas} from the readings now`)
  } else if (ours.replicas !== null) {
    sentences.push('agrees with the controller')
  }
  return sentences
}

function fmt(value: number): string {
  return formatNumber(value, 1)
}
