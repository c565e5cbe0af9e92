import {backfillSuite} from './backfill-suite.js'

// The collector's query-level assertions against the real Prometheus; victoria-metrics.test.ts runs the same ones.
await backfillSuite('prometheus')
