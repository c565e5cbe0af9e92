import type {ReplayStep, VaReplay} from '../../../src/core/simulate/replay.js'

/** A hand-made 40-step replay: load ramps, a 6-step gap in the middle, ours 1→4, actual 2, controller 3. */
export function sampleReplay(): VaReplay {
  const steps: ReplayStep[] = Array.from({length: 40}, (_, index) => {
    const gap = index >= 17 && index < 23
    const ours = gap ? null : 1 + Math.floor(index / 10)
    return {
      timeMs: 1_700_000_000_000 + index * 60_000,
      load: gap ? null : {arrivalRateRpm: 100 * index, avgInputTokens: 512, avgOutputTokens: 251},
      measuredTtftMs: null,
      measuredItlMs: null,
      outcome: gap ? 'noData' : 'allocated',
      desiredReplicas: ours,
      cost: ours === null ? null : 100 * ours,
      predictedTtftMs: null,
      predictedItlMs: null,
      controllerReplicas: gap ? null : 3,
      actualReplicas: 2,
    }
  })
  const series = {knownSteps: 34, replicaHours: 1, costHours: 100, scalingChanges: 3, minReplicas: 1, maxReplicas: 4}
  return {
    namespace: 'llm',
    name: 'llama-8b-h100',
    modelID: 'meta/llama-3.1-8b',
    skipReason: null,
    seriesSources: {},
    steps,
    summary: {
      steps: 40,
      stepSeconds: 60,
      noDataSteps: 6,
      longestNoDataSeconds: 360,
      infeasibleSteps: 0,
      ours: series,
      controller: null,
      actual: {...series, knownSteps: 40, scalingChanges: 0},
      largestGapVsActual: {timeMs: 1_700_000_000_000, difference: 2, ours: 4, other: 2},
      largestGapVsController: null,
      overSlo: null,
    },
  }
}
