import assert from 'node:assert/strict'
import {test} from 'node:test'

import {startProgress} from '../../../src/cli/progress.js'

function fakeTerminal(isTTY: boolean) {
  let clock = 0
  const written: string[] = []
  let tick: (() => void) | undefined
  let stopped = false
  const progress = startProgress('sweeping arrival-rate', {
    isTTY,
    write: (text) => written.push(text),
    now: () => clock,
    every: (callback) => {
      tick = callback
      return {stop: () => (stopped = true)}
    },
  })
  return {
    progress,
    written,
    advance: (ms: number) => {
      clock += ms
    },
    tick: () => tick?.(),
    stopped: () => stopped,
  }
}

test('nothing before 2 s; then one line redrawn in place with counts and elapsed seconds; cleared at the end', () => {
  const terminal = fakeTerminal(true)
  terminal.progress.update(1, 50)
  terminal.advance(1999)
  terminal.tick()
  assert.deepEqual(terminal.written, [])
  terminal.advance(1)
  terminal.progress.update(10, 50)
  terminal.advance(100)
  terminal.progress.update(11, 50) // within 200 ms of the last draw: not redrawn
  terminal.advance(1000)
  terminal.tick()
  terminal.progress.stop()
  assert.deepEqual(terminal.written, [
    '\r\u001B[Ksweeping arrival-rate… 10/50 (20%) 2s',
    '\r\u001B[Ksweeping arrival-rate… 11/50 (22%) 3s',
    '\r\u001B[K',
  ])
  assert.equal(terminal.stopped(), true)
})

test('without counts (asynchronous work), the elapsed time only', () => {
  const terminal = fakeTerminal(true)
  terminal.advance(2500)
  terminal.tick()
  terminal.progress.stop()
  assert.deepEqual(terminal.written, ['\r\u001B[Ksweeping arrival-rate… 2s', '\r\u001B[K'])
})

test('never on a pipe, and a quick run clears nothing', () => {
  const pipe = fakeTerminal(false)
  pipe.advance(10_000)
  pipe.progress.update(5, 10)
  pipe.tick()
  pipe.progress.stop()
  assert.deepEqual(pipe.written, [])
  const quick = fakeTerminal(true)
  quick.progress.update(10, 10)
  quick.progress.stop()
  assert.deepEqual(quick.written, [])
})
