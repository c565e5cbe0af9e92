// Prints the sample chart the way a command would: options from process.stdout and the environment.
// Run by chart.test.ts under a pseudo-terminal (script) and through a pipe.
import {chartOptionsFor, renderReplayChart} from '../../../src/core/render/chart.js'
import {sampleReplay} from './sample-replay.js'

process.stdout.write(renderReplayChart(sampleReplay(), chartOptionsFor(process.stdout, process.env)))
