import type {ReplayResult, ReplaySummary, ReplayStep, VaReplay} from '../simulate/replay.js'

/**
 * The ReplayResult as `-o json|yaml` print it (docs/replay-result.md): times in RFC 3339 (as in the CSV), the run's
 * context (evaluation time, Prometheus, warnings), and no internal counters (the memo's statistics stay in --verbose
 * and the bench).
 */
export interface ReplayView {
  apiVersion: 'kubectl-va.llmd.ai/v1alpha1'
  kind: 'ReplayResult'
  /** First and last step, RFC 3339. */
  start: string
  end: string
  stepSeconds: number
  evaluationTime: string | null
  prometheus: {url: string | null; error: string | null} | null
  items: VaReplayView[]
  warnings: string[]
}

export type StepView = Omit<ReplayStep, 'timeMs'> & {time: string} & Record<string, unknown>
export type SummaryView = Omit<ReplaySummary, 'largestGapVsActual' | 'largestGapVsController'> & {
  largestGapVsActual: GapView | null
  largestGapVsController: GapView | null
}
export interface GapView {
  time: string
  difference: number
  ours: number
  other: number
}
export type VaReplayView = Omit<VaReplay, 'steps' | 'summary'> & {steps: StepView[]; summary: SummaryView} & Record<
    string,
    unknown
  >

/** RFC 3339 in UTC, without milliseconds when they are 0. */
export function rfc3339(timeMs: number): string {
  return new Date(timeMs).toISOString().replace('.000Z', 'Z')
}

export function buildReplayView(
  result: Pick<ReplayResult, 'startMs' | 'stepSeconds' | 'items'>,
  context: Pick<ReplayView, 'evaluationTime' | 'prometheus' | 'warnings'>,
): ReplayView {
  const count = Math.max(0, ...result.items.map((item) => item.steps.length))
  const gap = (value: ReplaySummary['largestGapVsActual']): GapView | null => {
    if (value === null) return null
    const {timeMs, ...rest} = value
    return {time: rfc3339(timeMs), ...rest}
  }
  return {
    apiVersion: 'kubectl-va.llmd.ai/v1alpha1',
    kind: 'ReplayResult',
    start: rfc3339(result.startMs),
    end: rfc3339(result.startMs + Math.max(0, count - 1) * result.stepSeconds * 1000),
    stepSeconds: result.stepSeconds,
    evaluationTime: context.evaluationTime,
    prometheus: context.prometheus,
    items: result.items.map((item) => {
      const {steps, summary, ...rest} = item
      return {
        ...rest,
        steps: steps.map(({timeMs, ...step}) => ({time: rfc3339(timeMs), ...step})),
        summary: {
          ...summary,
          largestGapVsActual: gap(summary.largestGapVsActual),
          largestGapVsController: gap(summary.largestGapVsController),
        },
      }
    }),
    warnings: context.warnings,
  }
}
