import assert from 'node:assert/strict'
import {EventEmitter} from 'node:events'
import {test} from 'node:test'

import {stopOnSignals, tableFrame, type WatchFrame, watchLoop} from '../../../src/cli/watch.js'

/** A scripted watch: frames in order; the loop is stopped after the last one. */
async function runFrames(frames: readonly WatchFrame[]) {
  const controller = new AbortController()
  const written: string[] = []
  const sleeps: number[] = []
  let evaluations = 0
  const printed = await watchLoop({
    intervalMs: 30_000,
    signal: controller.signal,
    write: (text) => written.push(text),
    sleep: async (ms) => {
      sleeps.push(ms)
      if (evaluations === frames.length) controller.abort()
    },
    evaluate: async (tick) => {
      evaluations++
      return frames[tick]!
    },
  })
  return {printed, written, sleeps}
}

const table = (rows: string[]) => ['NAME   CURRENT', ...rows].join('\n')

test('the first evaluation prints the whole table, later ones only the rows that changed or appeared', async () => {
  const frames = [
    tableFrame(table(['a      1', 'b      2']), ['ns/a', 'ns/b'], false),
    tableFrame(table(['a      1', 'b      2']), ['ns/a', 'ns/b'], false),
    tableFrame(table(['a      1', 'b      3']), ['ns/a', 'ns/b'], false),
    tableFrame(table(['a      1', 'b      3', 'c      1']), ['ns/a', 'ns/b', 'ns/c'], false),
  ]
  const {printed, written, sleeps} = await runFrames(frames)
  assert.equal(printed, 4)
  assert.deepEqual(written, ['NAME   CURRENT\na      1\nb      2\n', 'b      3\n', 'c      1\n'])
  assert.deepEqual(sleeps, [30_000, 30_000, 30_000, 30_000])
})

test('a row whose values stay the same is not printed again when a column widens', async () => {
  const frames = [
    tableFrame('NAME  CURRENT\na     1', ['ns/a'], false),
    tableFrame('NAME      CURRENT\na         1\nlong-name 2', ['ns/a', 'ns/long-name'], false),
  ]
  const {written} = await runFrames(frames)
  assert.deepEqual(written, ['NAME  CURRENT\na     1\n', 'long-name 2\n'])
})

test('without headers, and blocks joined by their separator', async () => {
  const {written} = await runFrames([
    tableFrame('a 1\nb 2', ['a', 'b'], true),
    {
      entries: [
        {key: 'a', text: 'Name: a\nX: 2'},
        {key: 'b', text: 'Name: b\nX: 3'},
      ],
      separator: '\n',
    },
  ])
  assert.deepEqual(written, ['a 1\nb 2\n', 'Name: a\nX: 2\n\nName: b\nX: 3\n'])
})

test('the interval may be decided by the first evaluation', async () => {
  const controller = new AbortController()
  let interval: number | undefined
  const sleeps: number[] = []
  await watchLoop({
    intervalMs: () => interval ?? 1,
    signal: controller.signal,
    write: () => {},
    sleep: async (ms) => {
      sleeps.push(ms)
      if (sleeps.length === 2) controller.abort()
    },
    evaluate: async () => {
      interval = 60_000
      return {entries: []}
    },
  })
  assert.deepEqual(sleeps, [60_000, 60_000])
})

test('an abort during an evaluation drops its output and ends the loop; an evaluation error propagates', async () => {
  const controller = new AbortController()
  const written: string[] = []
  const printed = await watchLoop({
    intervalMs: 10,
    signal: controller.signal,
    write: (text) => written.push(text),
    evaluate: async () => {
      controller.abort()
      return {entries: [{key: 'a', text: 'a'}]}
    },
  })
  assert.equal(printed, 0)
  assert.deepEqual(written, [])
  await assert.rejects(
    watchLoop({
      intervalMs: 10,
      signal: new AbortController().signal,
      write: () => {},
      evaluate: async () => {
        throw new Error('cluster gone')
      },
    }),
    /cluster gone/,
  )
})

test('SIGINT and SIGTERM abort the watch; dispose removes the handlers', () => {
  for (const name of ['SIGINT', 'SIGTERM']) {
    const emitter = new EventEmitter()
    const stop = stopOnSignals(emitter)
    assert.equal(stop.signal.aborted, false)
    emitter.emit(name)
    assert.equal(stop.signal.aborted, true, name)
    stop.dispose()
    assert.equal(emitter.listenerCount('SIGINT') + emitter.listenerCount('SIGTERM'), 0)
  }
})

test('the default sleep ends early when the watch is stopped', async () => {
  const controller = new AbortController()
  const loop = watchLoop({
    intervalMs: 3_600_000,
    signal: controller.signal,
    write: () => {},
    evaluate: async () => ({entries: []}),
  })
  setImmediate(() => controller.abort())
  assert.equal(await loop, 1)
})
