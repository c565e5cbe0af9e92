import type {ModelMetrics} from '../model/metrics.js'
import type {ModelQuantity, QuantityUnit} from '../plan/profiles.js'

const secondsPerMinute = 60
const msPerSecond = 1000

/** The ModelMetrics field each quantity fills. */
export const quantityField: Readonly<Record<ModelQuantity, keyof Omit<ModelMetrics, 'namespace' | 'modelID'>>> = {
  arrivalRate: 'arrivalRateRpm',
  avgInputTokens: 'avgInputTokens',
  avgOutputTokens: 'avgOutputTokens',
  ttft: 'ttftMs',
  itl: 'itlMs',
}

/** The one boundary where query units become ModelMetrics units (req/min, tokens, ms). */
export function toModelMetricsUnit(quantity: ModelQuantity, unit: QuantityUnit, value: number): number {
  switch (unit) {
    case 'requestsPerSecond':
      return value * secondsPerMinute
    case 'requestsPerMinute':
      return value
    case 'tokens':
      return value
    case 'seconds':
      return quantity === 'ttft' || quantity === 'itl' ? value * msPerSecond : value
  }
}
