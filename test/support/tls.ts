import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

/** PEM texts of a test CA and of a server certificate it signed for 127.0.0.1 and localhost. */
export interface TestPki {
  caCertPem: string
  serverCertPem: string
  serverKeyPem: string
}

let cachedPki: TestPki | undefined

/**
 * A CA and a server certificate, generated with the openssl CLI the first time a test asks and reused for the rest
 * of the process (EC P-256 keeps this under a second). Never written to the repository.
 */
export function testPki(): TestPki {
  cachedPki ??= generatePki()
  return cachedPki
}

/** A CA that signed nothing we serve: a kubeconfig trusting it must fail TLS verification. */
export function unrelatedCaCertPem(): string {
  return withTempDir((dir) => {
    generateCa(dir, 'unrelated-ca')
    return readFileSync(join(dir, 'unrelated-ca.crt'), 'utf8')
  })
}

function generatePki(): TestPki {
  return withTempDir((dir) => {
    generateCa(dir, 'ca')
    openssl(dir, [
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
      '-subj',
      '/CN=fake-kube-apiserver',
    ])
    writeFileSync(
      join(dir, 'server.ext'),
      'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' +
        'keyUsage=critical,digitalSignature,keyEncipherment\n',
    )
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.crt',
      '-days',
      '2',
      '-extfile',
      'server.ext',
    ])
    return {
      caCertPem: readFileSync(join(dir, 'ca.crt'), 'utf8'),
      serverCertPem: readFileSync(join(dir, 'server.crt'), 'utf8'),
      serverKeyPem: readFileSync(join(dir, 'server.key'), 'utf8'),
    }
  })
}

function generateCa(dir: string, name: string): void {
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.crt`,
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ])
}

function openssl(cwd: string, args: string[]): void {
  execFileSync('openssl', args, {cwd, stdio: ['ignore', 'ignore', 'pipe']})
}

function withTempDir<T>(body: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'kva-pki-'))
  try {
    return body(dir)
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}
