/** Public surface of saturation V2 (WVA v0.6.0-v0.9.0) for the CLI. */
export * from './analyzer.js'
export * from './cost-aware-optimizer.js'
export * from './engine-params.js'
export * from './release.js'
export * from './types.js'
