import type {Allocation} from './allocation.js'
import {MAX_FLOAT32} from './float32.js'

/**
 * The candidate with the smallest value, or undefined. Mirrors upstream Solver.SolveUnlimited for one server: a
 * candidate must be strictly below the running minimum, which starts at the largest float32. Upstream breaks ties
 * by Go's random map order; candidates come here in accelerator-name order, so the first name wins.
 */
export function selectUnlimited(candidates: ReadonlyMap<string, Allocation>): Allocation | undefined {
  let minValue = MAX_FLOAT32
  let chosen: Allocation | undefined
  for (const allocation of candidates.values()) {
    if (allocation.value < minValue) {
      minValue = allocation.value
      chosen = allocation
    }
  }
  return chosen
}

/** Every server independently gets its cheapest transition; servers without a candidate are left out. */
export function solveUnlimited(
  candidatesByServer: ReadonlyMap<string, ReadonlyMap<string, Allocation>>,
): Map<string, Allocation> {
  const solution = new Map<string, Allocation>()
  for (const [serverName, candidates] of candidatesByServer) {
    const chosen = selectUnlimited(candidates)
    if (chosen) solution.set(serverName, chosen)
  }
  return solution
}
