import assert from 'node:assert/strict'
import {test} from 'node:test'

import {clusterProxy} from '../../../src/core/read/kube/kube-transport.js'
import {environmentProxy} from '../../../src/core/read/proxy.js'
import {flagValueError, shownValue} from '../../../src/core/errors.js'
import {redactSecrets, stripUrlUserinfo} from '../../../src/core/redact.js'
import {parseRequestTimeout} from '../../../src/cli/kube-flags.js'

test('HTTPS_PROXY and HTTP_PROXY apply by scheme, upper case first, as Go ProxyFromEnvironment', () => {
  const env = {HTTPS_PROXY: 'http://secure:3128', https_proxy: 'http://lower:3128', HTTP_PROXY: 'plain:8080'}
  assert.equal(environmentProxy('https://api.example.com:6443', env), 'http://secure:3128')
  const lower = {https_proxy: 'http://lower:3128'}
  assert.equal(environmentProxy('https://api.example.com:6443', lower), 'http://lower:3128')
  assert.equal(environmentProxy('http://api.example.com:8001', env), 'http://plain:8080', 'no scheme: http://')
  assert.equal(environmentProxy('https://api.example.com', {}), undefined)
})

test('loopback and localhost servers are never proxied', () => {
  const env = {HTTPS_PROXY: 'http://proxy:3128'}
  const servers = ['https://127.0.0.1:6443', 'https://127.1.2.3', 'https://localhost:6443', 'https://[::1]:6443']
  for (const server of servers) {
    assert.equal(environmentProxy(server, env), undefined, server)
  }
})

test('NO_PROXY: names and their subdomains, leading dots, ports, CIDR blocks and *', () => {
  const proxied = (server: string, noProxy: string) =>
    environmentProxy(server, {HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: noProxy}) !== undefined
  assert.equal(proxied('https://api.corp.example:6443', 'corp.example'), false)
  assert.equal(proxied('https://api.corp.example:6443', '.corp.example'), false)
  assert.equal(proxied('https://corp.example.org:6443', 'corp.example'), true)
  assert.equal(proxied('https://api.corp.example:6443', 'api.corp.example:443'), true, 'another port')
  assert.equal(proxied('https://api.corp.example:6443', 'api.corp.example:6443'), false)
  assert.equal(proxied('https://10.1.2.3:6443', '10.0.0.0/8'), false)
  assert.equal(proxied('https://11.1.2.3:6443', '10.0.0.0/8'), true)
  assert.equal(proxied('https://anything:6443', ' * '), false)
  assert.equal(proxied('https://api.other:6443', 'corp.example, ,other'), false)
})

test("the kubeconfig's proxy-url wins over the environment", () => {
  const saved = process.env.HTTPS_PROXY
  process.env.HTTPS_PROXY = 'http://from-env:3128'
  try {
    const fromKubeconfig = 'http://from-kubeconfig:3128'
    assert.equal(clusterProxy({server: 'https://api.example.com', 'proxy-url': fromKubeconfig}), fromKubeconfig)
    assert.equal(clusterProxy({server: 'https://api.example.com'}), 'http://from-env:3128')
  } finally {
    if (saved === undefined) delete process.env.HTTPS_PROXY
    else process.env.HTTPS_PROXY = saved
  }
})

test('URL userinfo is stripped, not masked, wherever a URL appears', () => {
  assert.equal(stripUrlUserinfo('https://admin:s3cret@prom.example.com:9090/x'), 'https://prom.example.com:9090/x')
  const both = 'url: http://token-only@host/ and https://u:p@ss@host2'
  assert.equal(stripUrlUserinfo(both), 'url: http://host/ and https://host2')
  assert.equal(stripUrlUserinfo('mail me at a@b.example'), 'mail me at a@b.example')
  assert.equal(redactSecrets('GET https://user:pa55@127.0.0.1:9/api failed'), 'GET https://127.0.0.1:9/api failed')
})

test('redaction keeps a file error after a path ending in /token, and still hides token: values', () => {
  assert.equal(redactSecrets('token-file /var/run/token: ENOENT', []), 'token-file /var/run/token: ENOENT')
  assert.equal(redactSecrets('{"token": "abc123"}', []), '{"token": "<redacted>"}')
  assert.equal(redactSecrets('password=hunter2 next', []), 'password=<redacted> next')
})

test('values in error lines: plain ones bare, others quoted with control characters and ";" escaped', () => {
  assert.equal(shownValue('xml'), 'xml')
  assert.equal(shownValue(''), '""')
  assert.equal(shownValue('a b'), '"a b"')
  assert.equal(shownValue('x\u001b[2Kx'), '"x\\u001b[2Kx"')
  assert.equal(shownValue('json;rm'), '"json\\u003brm"')
  assert.equal(shownValue('y'.repeat(100)).length, 62)
  const error = flagValueError('-o', 'xml', 'unknown output format', 'use one of json,yaml')
  assert.equal(`${error.message}; ${error.hint}`, '-o xml: unknown output format; use one of json,yaml')
})

test('--request-timeout beyond what a timer can hold means no timeout, as 0 does', () => {
  assert.equal(parseRequestTimeout('30s'), 30_000)
  assert.equal(parseRequestTimeout('0'), undefined)
  assert.equal(parseRequestTimeout('1000h'), undefined)
  assert.equal(parseRequestTimeout('3000000'), undefined)
})
