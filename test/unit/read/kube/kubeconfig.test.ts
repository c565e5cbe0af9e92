import assert from 'node:assert/strict'
import {chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {delimiter, join} from 'node:path'
import {test, type TestContext} from 'node:test'

import {clientNodeKubeConfig, kubeconfigFiles, loadKubeconfig} from '../../../../src/core/read/kube/kubeconfig.js'
import {mergeKubeconfigs} from '../../../../src/core/read/kube/kubeconfig-parse.js'
import {ClusterError} from '../../../../src/core/errors.js'

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'kva-kubeconfig-test-'))
  t.after(() => rmSync(dir, {recursive: true, force: true}))
  return dir
}

/** A kubeconfig with one cluster, user and context of the given names; JSON is valid YAML. */
function config(options: {
  cluster: string
  server?: string
  user: string
  token?: string
  context: string
  namespace?: string
  current?: string
}): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{name: options.cluster, cluster: {server: options.server ?? `https://${options.cluster}.example:6443`}}],
    users: [{name: options.user, user: {token: options.token ?? `token-of-${options.user}-0123456789`}}],
    contexts: [
      {
        name: options.context,
        context: {
          cluster: options.cluster,
          user: options.user,
          ...(options.namespace ? {namespace: options.namespace} : {}),
        },
      },
    ],
    ...(options.current === undefined ? {} : {'current-context': options.current}),
  })
}

test('--kubeconfig is the only file read, even when KUBECONFIG is set', () => {
  assert.deepEqual(kubeconfigFiles({kubeconfig: 'kc.yaml', cwd: '/home/dev', env: {KUBECONFIG: '/a:/b'}}), {
    files: ['/home/dev/kc.yaml'],
    explicit: true,
  })
})

test('KUBECONFIG is split on the path delimiter, empty entries ignored and duplicates read once', () => {
  assert.deepEqual(kubeconfigFiles({cwd: '/w', env: {KUBECONFIG: ['/a', '', 'rel', '/a'].join(delimiter)}}), {
    files: ['/a', '/w/rel'],
    explicit: false,
  })
})

test('without KUBECONFIG the file is ~/.kube/config', () => {
  assert.deepEqual(kubeconfigFiles({env: {HOME: '/home/me'}}), {files: ['/home/me/.kube/config'], explicit: false})
})

test('merging keeps the first current-context and the first entry of each name, entirely', () => {
  const merged = mergeKubeconfigs([
    {
      clusters: [{name: 'red', cluster: {server: 'https://first'}}],
      users: [{name: 'red-user', user: {token: 'first'}}],
    },
    {
      'current-context': 'ctx-b',
      clusters: [
        {name: 'red', cluster: {server: 'https://second', 'insecure-skip-tls-verify': true}},
        {name: 'blue', cluster: {server: 'https://blue'}},
      ],
      users: [{name: 'red-user', user: {username: 'second'}}],
      contexts: [{name: 'ctx-b', context: {cluster: 'blue'}}],
    },
    {'current-context': 'ctx-c', contexts: [{name: 'ctx-b', context: {cluster: 'red'}}]},
  ])
  assert.equal(merged['current-context'], 'ctx-b')
  assert.deepEqual(merged.clusters, [
    {name: 'red', cluster: {server: 'https://first'}},
    {name: 'blue', cluster: {server: 'https://blue'}},
  ])
  assert.deepEqual(merged.users, [{name: 'red-user', user: {token: 'first'}}])
  assert.deepEqual(merged.contexts, [{name: 'ctx-b', context: {cluster: 'blue'}}])
})

test('KUBECONFIG with several files: first current-context wins, missing files are skipped', async (t) => {
  const dir = tempDir(t)
  const a = join(dir, 'a.yaml')
  const b = join(dir, 'b.yaml')
  writeFileSync(a, config({cluster: 'alpha', user: 'alice', context: 'ctx-a', namespace: 'team-a', current: 'ctx-a'}))
  writeFileSync(b, config({cluster: 'beta', user: 'bob', context: 'ctx-b', current: 'ctx-b'}))
  const env = {KUBECONFIG: [join(dir, 'missing.yaml'), a, b].join(delimiter)}
  const connection = await loadKubeconfig({env})
  assert.equal(connection.contextName, 'ctx-a')
  assert.equal(connection.server, 'https://alpha.example:6443')
  assert.equal(connection.namespace, 'team-a')
  assert.equal(connection.source, [a, b].join(delimiter))
  const other = await loadKubeconfig({env, context: 'ctx-b'})
  assert.equal(other.server, 'https://beta.example:6443')
  assert.equal(other.userName, 'bob')
  assert.equal(other.namespace, 'default')
})

test('a second file cannot replace a user defined by the first', async (t) => {
  const dir = tempDir(t)
  const a = join(dir, 'a.yaml')
  const b = join(dir, 'b.yaml')
  writeFileSync(
    a,
    config({cluster: 'alpha', user: 'shared', token: 'token-from-first-file-000', context: 'ctx', current: 'ctx'}),
  )
  writeFileSync(
    b,
    config({
      cluster: 'alpha',
      server: 'https://evil.example',
      user: 'shared',
      token: 'token-from-second-file-000',
      context: 'ctx',
    }),
  )
  const connection = await loadKubeconfig({env: {KUBECONFIG: [a, b].join(delimiter)}})
  assert.equal(connection.user?.token, 'token-from-first-file-000')
  assert.equal(connection.server, 'https://alpha.example:6443')
})

test('--context, --cluster, --user and -n override the kubeconfig', async (t) => {
  const dir = tempDir(t)
  const file = join(dir, 'config')
  writeFileSync(
    file,
    JSON.stringify({
      clusters: [
        {name: 'one', cluster: {server: 'https://one:6443'}},
        {name: 'two', cluster: {server: 'https://two:6443/'}},
      ],
      users: [
        {name: 'u1', user: {token: 'token-u1-xxxxxxxx'}},
        {name: 'u2', user: {token: 'token-u2-xxxxxxxx'}},
      ],
      contexts: [{name: 'c1', context: {cluster: 'one', user: 'u1', namespace: 'ns1'}}],
      'current-context': 'c1',
    }),
  )
  const connection = await loadKubeconfig({kubeconfig: file, cluster: 'two', user: 'u2', namespace: 'llm', env: {}})
  assert.equal(connection.server, 'https://two:6443')
  assert.equal(connection.clusterName, 'two')
  assert.equal(connection.userName, 'u2')
  assert.equal(connection.namespace, 'llm')
  assert.equal(connection.user?.token, 'token-u2-xxxxxxxx')
  const kubeConfig = await clientNodeKubeConfig(connection)
  assert.equal(
    kubeConfig.getCurrentUser()?.token,
    'token-u2-xxxxxxxx',
    'the lazily built client-node config holds the same user',
  )
  assert.equal(kubeConfig.getContextObject(connection.contextName)?.namespace, 'llm')
  assert.equal(await clientNodeKubeConfig(connection), kubeConfig, 'and is built once per connection')
})

test('relative certificate and token-file paths resolve against the kubeconfig directory; token trimmed', async (t) => {
  const dir = tempDir(t)
  mkdirSync(join(dir, 'sub'))
  writeFileSync(join(dir, 'sub', 'token'), 'token-from-file-123456\n')
  const file = join(dir, 'sub', 'config')
  writeFileSync(
    file,
    JSON.stringify({
      clusters: [{name: 'c', cluster: {server: 'https://c:6443', 'certificate-authority': 'ca.crt'}}],
      users: [{name: 'u', user: {'token-file': 'token'}}],
      contexts: [{name: 'x', context: {cluster: 'c', user: 'u'}}],
      'current-context': 'x',
    }),
  )
  const connection = await loadKubeconfig({kubeconfig: file, env: {}})
  assert.equal(connection.cluster['certificate-authority'], join(dir, 'sub', 'ca.crt'))
  assert.equal(connection.user?.token, 'token-from-file-123456')
  assert.equal(connection.user?.['token-file'], undefined)
})

test('exec plugins get KUBERNETES_EXEC_INFO and a relative command resolved against the kubeconfig', async (t) => {
  const dir = tempDir(t)
  const file = join(dir, 'config')
  writeFileSync(
    file,
    JSON.stringify({
      clusters: [{name: 'c', cluster: {server: 'https://c:6443'}}],
      users: [
        {
          name: 'u',
          user: {
            exec: {
              apiVersion: 'client.authentication.k8s.io/v1',
              command: './bin/get-token',
              args: ['--x'],
              interactiveMode: 'Never',
              provideClusterInfo: true,
            },
          },
        },
      ],
      contexts: [{name: 'x', context: {cluster: 'c', user: 'u'}}],
      'current-context': 'x',
    }),
  )
  const exec = (await loadKubeconfig({kubeconfig: file, env: {}})).user!.exec!
  assert.equal(exec.command, join(dir, 'bin', 'get-token'))
  const info = JSON.parse(exec.env.find((item: {name: string}) => item.name === 'KUBERNETES_EXEC_INFO')!.value)
  assert.deepEqual(info, {
    apiVersion: 'client.authentication.k8s.io/v1',
    kind: 'ExecCredential',
    spec: {interactive: false, cluster: {server: 'https://c:6443'}},
  })
})

test('an exec plugin token authenticates; a failing plugin is a ClusterError with its install hint', async (t) => {
  const dir = tempDir(t)
  const plugin = join(dir, 'plugin.sh')
  writeFileSync(
    plugin,
    '#!/bin/sh\necho ' +
      '"{\\"apiVersion\\":\\"client.authentication.k8s.io/v1\\",\\"kind\\":\\"ExecCredential\\",' +
      '\\"status\\":{\\"token\\":\\"exec-token-abcdef123\\"}}"\n',
  )
  chmodSync(plugin, 0o755)
  const failing = join(dir, 'failing.sh')
  writeFileSync(failing, '#!/bin/sh\necho "error: session expired, run login" >&2\nexit 1\n')
  chmodSync(failing, 0o755)
  const write = (name: string, command: string) => {
    const file = join(dir, name)
    writeFileSync(
      file,
      JSON.stringify({
        clusters: [{name: 'c', cluster: {server: 'https://127.0.0.1:1'}}],
        users: [
          {
            name: 'u',
            user: {
              exec: {
                apiVersion: 'client.authentication.k8s.io/v1',
                command,
                installHint: 'install it with: brew install thing',
              },
            },
          },
        ],
        contexts: [{name: 'x', context: {cluster: 'c', user: 'u'}}],
        'current-context': 'x',
      }),
    )
    return file
  }
  const {createKubeReader} = await import('../../../../src/core/read/kube/kube-client.js')
  const {redactSecrets, Secrets} = await import('../../../../src/core/redact.js')
  const secrets = new Secrets()
  await createKubeReader(await loadKubeconfig({kubeconfig: write('ok', plugin), env: {}, secrets}))
  const message = 'Bearer-less exec-token-abcdef123'
  assert.equal(secrets.redact(message), 'Bearer-less <redacted>', "the exec token is added to the run's secrets")
  assert.equal(redactSecrets(message), message, 'no other run (or module) holds it')
  await assert.rejects(
    createKubeReader(await loadKubeconfig({kubeconfig: write('bad', failing), env: {}})),
    (error: unknown) => {
      assert.ok(error instanceof ClusterError)
      const failed = 'failed: error: session expired, run login'
      assert.equal(error.message, `user "u": exec credential plugin "${failing}" ${failed}`)
      assert.equal(error.hint, 'install it with: brew install thing')
      return true
    },
  )
})

test('a missing --kubeconfig file is a ClusterError naming it', async () => {
  await assert.rejects(loadKubeconfig({kubeconfig: '/nonexistent/kubeconfig', env: {}}), (error: unknown) => {
    assert.ok(error instanceof ClusterError)
    assert.equal(error.message, 'kubeconfig /nonexistent/kubeconfig: no such file')
    return true
  })
})

test('an unparsable kubeconfig is a ClusterError naming the file, quoting no line of it', async (t) => {
  const dir = tempDir(t)
  const file = join(dir, 'config')
  const token = 'sha256~SuperSecretTokenValue0123456789'
  writeFileSync(file, `apiVersion: v1\nusers:\n- name: u\n  user:\n    token: ${token}\n   bad: [indent\n`)
  await assert.rejects(loadKubeconfig({kubeconfig: file, env: {}}), (error: unknown) => {
    assert.ok(error instanceof ClusterError)
    assert.match(error.message, new RegExp(`^kubeconfig ${file}: cannot parse it: `))
    assert.ok(!error.message.includes(token) && !(error.hint ?? '').includes(token))
    assert.equal(error.message.includes('\n'), false)
    assert.match(error.hint ?? '', /fix the file/)
    return true
  })
})

test('an unknown --context is a ClusterError naming the context and how to list them', async (t) => {
  const dir = tempDir(t)
  const file = join(dir, 'config')
  writeFileSync(file, config({cluster: 'c', user: 'u', context: 'real', current: 'real'}))
  await assert.rejects(loadKubeconfig({kubeconfig: file, context: 'typo', env: {}}), (error: unknown) => {
    assert.ok(error instanceof ClusterError)
    assert.equal(error.message, `kubeconfig ${file}: context "typo" not found`)
    assert.match(error.hint ?? '', /kubectl config get-contexts/)
    return true
  })
})

test('no current context, or one pointing at a missing cluster, is a ClusterError', async (t) => {
  const dir = tempDir(t)
  const file = join(dir, 'config')
  writeFileSync(file, config({cluster: 'c', user: 'u', context: 'x'}))
  await assert.rejects(loadKubeconfig({kubeconfig: file, env: {}}), /no current context is set/)
  writeFileSync(file, JSON.stringify({contexts: [{name: 'x', context: {cluster: 'gone'}}], 'current-context': 'x'}))
  await assert.rejects(loadKubeconfig({kubeconfig: file, env: {}}), /: cluster "gone" \(context "x"\) not found$/)
})

test('no kubeconfig anywhere falls back to in-cluster config, else fails with a hint', async (t) => {
  const dir = tempDir(t)
  const serviceAccountDir = join(dir, 'sa')
  mkdirSync(serviceAccountDir)
  const env = {HOME: join(dir, 'home'), KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443'}
  await assert.rejects(loadKubeconfig({env, serviceAccountDir}), (error: unknown) => {
    assert.ok(error instanceof ClusterError)
    assert.match(error.message, /^kubeconfig .*\.kube\/config: not found, and not running in a cluster$/)
    return true
  })
  writeFileSync(join(serviceAccountDir, 'token'), 'in-cluster-token-0123456789\n')
  writeFileSync(join(serviceAccountDir, 'namespace'), 'llm')
  const connection = await loadKubeconfig({env, serviceAccountDir})
  assert.equal(connection.server, 'https://[fd00::1]:443')
  assert.equal(connection.namespace, 'llm')
  assert.equal(connection.source, 'in-cluster')
  assert.equal(connection.user?.token, 'in-cluster-token-0123456789')
  assert.equal(connection.cluster['certificate-authority'], join(serviceAccountDir, 'ca.crt'))
  assert.equal((await loadKubeconfig({env, serviceAccountDir, namespace: 'other'})).namespace, 'other')
})
