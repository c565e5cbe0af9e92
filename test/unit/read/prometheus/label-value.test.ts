import assert from 'node:assert/strict'
import {test} from 'node:test'

import {escapeLabelValue, escapeRegex, labelMatcher} from '../../../../src/core/read/prometheus/label-value.js'

test('label values escape backslash first, then quotes and newlines', () => {
  assert.equal(escapeLabelValue('meta-llama/Llama-3.1-8B-Instruct'), 'meta-llama/Llama-3.1-8B-Instruct')
  assert.equal(escapeLabelValue('a"b'), 'a\\"b')
  assert.equal(escapeLabelValue('a\\b'), 'a\\\\b')
  assert.equal(escapeLabelValue('a\\"b'), 'a\\\\\\"b')
  assert.equal(escapeLabelValue('line1\nline2'), 'line1\\nline2')
})

test('regex metacharacters are escaped for fully anchored RE2 matchers', () => {
  assert.equal(escapeRegex('Llama-3.1-8B'), 'Llama-3\\.1-8B')
  assert.equal(escapeRegex('m+(1)|[x]{2}^$*?'), 'm\\+\\(1\\)\\|\\[x\\]\\{2\\}\\^\\$\\*\\?')
  assert.equal(escapeRegex('a\\b'), 'a\\\\b')
})

test('one value gives an equality matcher, several a sorted, de-duplicated regex matcher', () => {
  assert.equal(labelMatcher('model_name', ['we"ird\\m.v1']), 'model_name="we\\"ird\\\\m.v1"')
  assert.equal(labelMatcher('namespace', ['b', 'a', 'b']), 'namespace=~"a|b"')
  // Regex-escape, then string-escape: a literal dot becomes \\. inside the quotes, a backslash \\\\.
  assert.equal(labelMatcher('model_name', ['x.y', 'p\\q']), 'model_name=~"p\\\\\\\\q|x\\\\.y"')
  assert.throws(() => labelMatcher('model_name', []))
})
