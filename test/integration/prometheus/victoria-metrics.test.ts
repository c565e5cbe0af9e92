import {backfillSuite} from './backfill-suite.js'

// The collector's query-level assertions of collector-backfill.test.ts, against the real VictoriaMetrics.
await backfillSuite('victoria-metrics')
