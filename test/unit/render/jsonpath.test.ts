import assert from 'node:assert/strict'
import {test} from 'node:test'

import {
  evaluatePath,
  JsonPathError,
  parseJsonPathTemplate,
  parseRelaxedPath,
  printValue,
} from '../../../src/core/render/jsonpath.js'

// The input of the examples on https://kubernetes.io/docs/reference/kubectl/jsonpath/
const doc = {
  kind: 'List',
  items: [
    {
      kind: 'None',
      metadata: {
        name: '127.0.0.1',
        labels: {'kubernetes.io/hostname': '127.0.0.1'},
      },
      status: {
        capacity: {cpu: '4'},
        addresses: [{type: 'LegacyHostIP', address: '127.0.0.1'}],
      },
    },
    {
      kind: 'None',
      metadata: {name: '127.0.0.2'},
      status: {
        capacity: {cpu: '8'},
        addresses: [
          {type: 'LegacyHostIP', address: '127.0.0.2'},
          {type: 'another', address: '127.0.0.3'},
        ],
      },
    },
  ],
  users: [
    {name: 'myself', user: {}},
    {name: 'e2e', user: {username: 'admin', password: 'secret'}},
  ],
}

const run = (template: string, data: unknown = doc) => parseJsonPathTemplate(template).execute(data)

test('the examples of the kubectl JSONPath reference print what kubectl prints', () => {
  assert.equal(run('{.kind}'), 'List')
  assert.equal(run("{['kind']}"), 'List')
  assert.equal(run('{$.kind}'), 'List')
  assert.equal(run('{..name}'), '127.0.0.1 127.0.0.2 myself e2e')
  assert.equal(run('{.items[*].metadata.name}'), '127.0.0.1 127.0.0.2')
  assert.equal(run('{.users[0].name}'), 'myself')
  assert.equal(run('{.users[-1].name}'), 'e2e')
  assert.equal(run('{.users[?(@.name=="e2e")].user.password}'), 'secret')
  assert.equal(run('{.items[0].metadata.labels.kubernetes\\.io/hostname}'), '127.0.0.1')
  assert.equal(
    run('{range .items[*]}[{.metadata.name}, {.status.capacity}] {end}'),
    '[127.0.0.1, {"cpu":"4"}] [127.0.0.2, {"cpu":"8"}] ',
  )
  assert.equal(
    run('{range .items[*]}{.metadata.name}{"\\t"}{.status.capacity.cpu}{"\\n"}{end}'),
    '127.0.0.1\t4\n127.0.0.2\t8\n',
  )
  assert.equal(run("{range .items[*]}{.metadata.name}{'\\n'}{end}"), '127.0.0.1\n127.0.0.2\n')
  assert.equal(run('{.items[*].status.addresses[?(@.type=="another")].address}'), '127.0.0.3')
})

test('literal text around actions, and the current object {.} / {@}', () => {
  assert.equal(run('kind={.kind}!'), 'kind=List!')
  assert.equal(run('{.}', {a: 1}), '{"a":1}')
  assert.equal(run('{@}', 'text'), 'text')
  assert.equal(run('no actions'), 'no actions')
})

test('wildcards, unions and recursive descent', () => {
  const data = {a: {x: 1, y: 2}, list: [10, 20, 30, 40, 50]}
  assert.equal(run('{.a.*}', data), '1 2')
  assert.equal(run("{.a['x','y']}", data), '1 2')
  assert.equal(run('{.list[0,2]}', data), '10 30')
  assert.equal(run('{..x}', {x: 1, b: [{x: 2}, {c: {x: 3}}]}), '1 2 3')
})

test('slices: start, end, step and negative indices, clamped as Go does', () => {
  const data = {list: [0, 1, 2, 3, 4, 5]}
  assert.equal(run('{.list[1:3]}', data), '1 2')
  assert.equal(run('{.list[-2:]}', data), '4 5')
  assert.equal(run('{.list[:2]}', data), '0 1')
  assert.equal(run('{.list[::2]}', data), '0 2 4')
  assert.equal(run('{.list[0:100]}', data), '0 1 2 3 4 5')
  assert.equal(run('{.list[::-1]}', data), '5 4 3 2 1 0')
  assert.equal(run('{.list[7]}', data), '')
})

test('filters: comparisons with numbers and strings, and existence', () => {
  const data = {items: [{n: 'a', v: 1}, {n: 'b', v: 5}, {n: 'c'}]}
  assert.equal(run('{.items[?(@.v>2)].n}', data), 'b')
  assert.equal(run('{.items[?(@.v<=1)].n}', data), 'a')
  assert.equal(run('{.items[?(@.v)].n}', data), 'a b')
  assert.equal(run("{.items[?(@.n!='a')].n}", data), 'b c')
  assert.equal(run('{.items[?(@.v == 5)].n}', data), 'b')
})

test('missing keys print nothing; values print as kubectl: strings raw, lists and maps as JSON', () => {
  assert.equal(run('{.nope.deeper}'), '')
  assert.equal(run('[{.nope}]'), '[]')
  assert.equal(printValue([1, 'a']), '[1,"a"]')
  assert.equal(printValue(2.5), '2.5')
  assert.equal(printValue(true), 'true')
  assert.equal(printValue(null), '')
  assert.equal(run('{range .missing[*]}x{end}'), '')
  assert.equal(run('{range .users}{.name};{end}'), 'myself;e2e;')
})

test('nested ranges', () => {
  assert.equal(
    run('{range .items[*]}{.metadata.name}:{range .status.addresses[*]} {.address}{end};{end}'),
    '127.0.0.1: 127.0.0.1;127.0.0.2: 127.0.0.2 127.0.0.3;',
  )
})

test('syntax errors say where', () => {
  assert.throws(() => parseJsonPathTemplate('{.a'), {name: 'JsonPathError', message: 'unclosed action at 0'})
  assert.throws(() => parseJsonPathTemplate('{range .a}x'), /\{range\} at 0 has no \{end\}/)
  assert.throws(() => parseJsonPathTemplate('x{end}'), /\{end\} at 1 without \{range\}/)
  assert.throws(() => parseJsonPathTemplate('{.a[x]}'), /bad index \[x\]/)
  assert.throws(() => parseJsonPathTemplate('{.a[::0]}'), /step of a slice cannot be 0/)
  assert.throws(() => parseJsonPathTemplate('{"abc}'), JsonPathError)
  assert.throws(() => parseJsonPathTemplate('{}'), /empty action/)
})

test('relaxed paths (--sort-by, custom-columns) accept .a.b, a.b, {.a.b} and {a.b}', () => {
  const data = {a: {b: 7}}
  for (const text of ['.a.b', 'a.b', '{.a.b}', '{a.b}', "{.a['b']}"])
    assert.deepEqual(evaluatePath(parseRelaxedPath(text), data), [7], text)
  assert.throws(() => parseRelaxedPath(''), /empty path/)
  assert.throws(() => parseRelaxedPath('.a b'), /unexpected " b"/)
})
