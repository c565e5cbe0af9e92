import type {ScalingAction} from './types.js'

/** The action a target implies against the current replicas (the controllers' `convert*TargetsToDecisions`). */
export function deriveScalingAction(targetReplicas: number, currentReplicas: number): ScalingAction {
  if (targetReplicas > currentReplicas) return 'scale-up'
  if (targetReplicas < currentReplicas) return 'scale-down'
  return 'no-change'
}
