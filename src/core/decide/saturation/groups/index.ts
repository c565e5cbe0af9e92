/** Cluster and manifest objects plus per-pod metrics -> the saturation engines' inputs, run per model group. */
export * from './config.js'
export * from '../../engine-select.js'
export * from './decision-facts.js'
export * from './label-selector.js'
export * from './pod-mapping.js'
export * from './run-groups.js'
export * from './variant-state.js'
