/** Public surface of the KEDA ScaledObject replay (KEDA v2.20.2) and of the scaler replay loop. */
export * from './types.js'
export * from './formula.js'
export * from './scaled-object.js'
export * from './replay.js'
