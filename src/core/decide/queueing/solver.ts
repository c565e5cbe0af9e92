import type {Allocation} from './allocation.js'
import {solveGreedy} from './solver-greedy.js'
import {solveUnlimited} from './solver-unlimited.js'
import {computeCandidates, type OptimizerSystem} from './system.js'

export interface SystemSolution {
  /** server -> accelerator -> candidate, valued by transition penalty, before solving */
  readonly candidates: ReadonlyMap<string, ReadonlyMap<string, Allocation>>
  /** server -> chosen allocation; servers without one are absent */
  readonly solution: ReadonlyMap<string, Allocation>
}

/**
 * Candidates for every server, then the unlimited or greedy solver. Mirrors upstream System.Calculate followed
 * by Solver.Solve.
 */
export function solveSystem(system: OptimizerSystem): SystemSolution {
  const candidates = new Map(system.servers.map((server) => [server.name, computeCandidates(system, server)]))
  const solution = system.optimizer.unlimited ? solveUnlimited(candidates) : solveGreedy(system, candidates)
  return {candidates, solution}
}
