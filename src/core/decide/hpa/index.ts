/** Public surface of the HPA replay (kube-controller-manager v1.34 podautoscaler), pure and deterministic. */
export * from './types.js'
export * from './quantity.js'
export * from './replica-calculator.js'
export * from './behavior.js'
export * from './controller.js'
