import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {join} from 'node:path'
import {describe, test} from 'node:test'
import {fileURLToPath} from 'node:url'

import {chartOptionsFor, renderReplayChart} from '../../../src/core/render/chart.js'
import {renderReplayCsv, renderReplaySummaryTable, replayNotes} from '../../../src/core/render/replay.js'
import {sampleReplay} from './sample-replay.js'

const printer = join(fileURLToPath(new URL('.', import.meta.url)), 'print-chart.js')
const nonAscii = /[^\x00-\x7F]/
const width = (line: string) => [...line].length

describe('renderReplayChart', () => {
  test('ASCII: every line fits the width, no character outside ASCII, the gap is blank on the load axis', () => {
    const chart = renderReplayChart(sampleReplay(), {width: 60, unicode: false})
    const lines = chart.trimEnd().split('\n')
    assert.ok(
      lines.every((line) => width(line) <= 60),
      chart,
    )
    assert.ok(!nonAscii.test(chart), chart)
    const axis = lines.findLast((line) => line.startsWith('     0+'))!
    // 40 steps in 40 columns: the 6 gap steps 17 … 22 are 6 blank columns of the load axis.
    assert.equal(axis.slice(7), `${'-'.repeat(17)}${' '.repeat(6)}${'-'.repeat(17)}`)
    assert.match(chart, /^o ours {2}x controller {2}: actual {2}\(blank: no data\)$/m)
  })

  test('Unicode: markers and eighth blocks, and more steps than columns share columns', () => {
    const chart = renderReplayChart(sampleReplay(), {width: 30, unicode: true})
    assert.ok(
      chart
        .trimEnd()
        .split('\n')
        .every((line) => width(line) <= 30),
      chart,
    )
    assert.match(chart, /●/)
    assert.match(chart, /█/)
    assert.match(chart, /░/)
  })

  test('a terminal too narrow gets a sentence instead of a broken chart', () => {
    assert.equal(
      renderReplayChart(sampleReplay(), {width: 10, unicode: true}),
      'llm/llama-8b-h100: terminal too narrow for a chart (10 columns)\n',
    )
  })

  test('chartOptionsFor: Unicode and the width on a TTY, ASCII and 80 columns otherwise or with TERM=dumb', () => {
    assert.deepEqual(chartOptionsFor({isTTY: true, columns: 120}, {}), {width: 120, unicode: true})
    assert.deepEqual(chartOptionsFor({isTTY: false, columns: 120}, {}), {width: 80, unicode: false})
    assert.deepEqual(chartOptionsFor({isTTY: true, columns: 120}, {TERM: 'dumb'}), {width: 80, unicode: false})
  })
})

describe('the chart through a real pseudo-terminal and through a pipe', () => {
  test('under a pty 50 columns wide the chart is Unicode and fits 50 columns', () => {
    const run = spawnSync(
      'script',
      ['-qec', `stty cols 50 rows 40; ${JSON.stringify(process.execPath)} ${JSON.stringify(printer)}`, '/dev/null'],
      {encoding: 'utf8', env: {...process.env, TERM: 'xterm'}},
    )
    assert.equal(run.status, 0, run.stderr)
    const lines = run.stdout.replace(/\r/g, '').trimEnd().split('\n')
    assert.match(run.stdout, /●/)
    assert.ok(
      lines.every((line) => width(line) <= 50),
      run.stdout,
    )
    assert.ok(
      lines.some((line) => width(line) === 50),
      'the plot uses the full width',
    )
  })

  test('piped, the same chart is ASCII at 80 columns', () => {
    const run = spawnSync(process.execPath, [printer], {encoding: 'utf8'})
    assert.equal(run.status, 0, run.stderr)
    assert.ok(!nonAscii.test(run.stdout), run.stdout)
    assert.ok(run.stdout.split('\n').every((line) => width(line) <= 80))
  })
})

describe('replay summary table and CSV', () => {
  test('the summary table has one line per VA', () => {
    const table = renderReplaySummaryTable({items: [sampleReplay()]})
    assert.equal(
      table,
      [
        'NAME            REPLICA-H(OURS/ACTUAL)   COST-H(OURS/ACTUAL)   CHANGES(OURS/ACTUAL)    OVER-SLO',
        'llama-8b-h100                      1/1               100/100                    3/0   <unknown>',
        '',
      ].join('\n'),
    )
    // -o wide: the controller's changes and the largest gap, and no summary column twice.
    const wide = renderReplaySummaryTable({items: [sampleReplay()]}, {wide: true})
      .split('\n')[0]!
      .split(/\s+/)
    assert.deepEqual(
      ['CHANGES(OURS/CTRL/ACTUAL)', 'LARGEST-GAP', 'CHANGES(OURS/ACTUAL)'].map((header) => wide.includes(header)),
      [true, true, false],
    )
  })

  test('the CSV has a line per step, and gaps are empty fields', () => {
    const lines = renderReplayCsv({items: [sampleReplay()]})
      .trimEnd()
      .split('\n')
    assert.equal(lines.length, 41)
    assert.equal(
      lines[0],
      'time,namespace,name,arrival_rate_rpm,avg_input_tokens,avg_output_tokens,measured_ttft_ms,measured_itl_ms,' +
        'outcome,desired_replicas,controller_replicas,actual_replicas,cost,predicted_ttft_ms,predicted_itl_ms',
    )
    assert.equal(lines[18], '2023-11-14T22:30:20Z,llm,llama-8b-h100,,,,,,noData,,,2,,,')
    assert.deepEqual(replayNotes({items: [sampleReplay()]}), [])
  })
})
