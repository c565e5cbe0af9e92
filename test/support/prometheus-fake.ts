import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {
  createServer as createHttpServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http'
import {createServer as createHttpsServer} from 'node:https'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {Cleanup} from './prometheus.js'

/** What a fake server saw. */
export interface RecordedRequest {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
  /** Subject CN of the client certificate, when one was presented over TLS. */
  clientCertCN?: string | undefined
}

export type FakeHandler = (request: RecordedRequest, response: ServerResponse, index: number) => void | Promise<void>

export interface FakeServer {
  url: string
  port: number
  requests: RecordedRequest[]
}

export interface TlsFiles {
  dir: string
  caFile: string
  serverCertFile: string
  serverKeyFile: string
  clientCertFile: string
  clientKeyFile: string
}

/**
 * A throwaway CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl; removed in t.after.
 */
export function makeTlsFiles(t: Cleanup): TlsFiles {
  const dir = mkdtempSync(join(tmpdir(), 'kva-tls-'))
  t.after(() => rmSync(dir, {recursive: true, force: true}))
  const file = (name: string) => join(dir, name)
  const openssl = (...args: string[]) => execFileSync('openssl', args, {stdio: 'pipe'})
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.crt'),
    '-days',
    '2',
    '-subj',
    '/CN=kva-test-ca',
  )
  for (const [name, cn, ext] of [
    ['server', '127.0.0.1', 'subjectAltName=IP:127.0.0.1'],
    ['client', 'kva-client', 'extendedKeyUsage=clientAuth'],
  ] as const) {
    openssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      file(`${name}.key`),
      '-out',
      file(`${name}.csr`),
      '-subj',
      `/CN=${cn}`,
    )
    writeFileSync(file(`${name}.ext`), `${ext}\n`)
    openssl(
      'x509',
      '-req',
      '-in',
      file(`${name}.csr`),
      '-CA',
      file('ca.crt'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-out',
      file(`${name}.crt`),
      '-days',
      '2',
      '-extfile',
      file(`${name}.ext`),
    )
  }
  return {
    dir,
    caFile: file('ca.crt'),
    serverCertFile: file('server.crt'),
    serverKeyFile: file('server.key'),
    clientCertFile: file('client.crt'),
    clientKeyFile: file('client.key'),
  }
}

/**
 * A stand-in for Prometheus (or a proxy in front of it) on 127.0.0.1 that records requests and answers with
 * `handler`: for error paths a real server cannot be made to take (slow, HTML, resets, 405).
 */
export async function startFakePrometheus(
  t: Cleanup,
  handler: FakeHandler,
  options: {tls?: TlsFiles; requireClientCert?: boolean} = {},
): Promise<FakeServer> {
  const requests: RecordedRequest[] = []
  const listener = (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const socket = request.socket as IncomingMessage['socket'] & {
        getPeerCertificate?: () => {subject?: {CN?: string}}
      }
      const recorded: RecordedRequest = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        clientCertCN: socket.getPeerCertificate?.()?.subject?.CN,
      }
      requests.push(recorded)
      void Promise.resolve(handler(recorded, response, requests.length - 1)).catch((error: unknown) => {
        response.destroy(error as Error)
      })
    })
  }
  const server = options.tls
    ? createHttpsServer(
        {
          cert: readFileSync(options.tls.serverCertFile),
          key: readFileSync(options.tls.serverKeyFile),
          ca: readFileSync(options.tls.caFile),
          requestCert: options.requireClientCert === true,
          rejectUnauthorized: options.requireClientCert === true,
        },
        listener,
      )
    : createHttpServer(listener)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  )
  const {port} = server.address() as AddressInfo
  return {url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}/`, port, requests}
}

/** Writes a Prometheus API JSON answer. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, {'content-type': 'application/json'})
  response.end(JSON.stringify(body))
}

/**
 * A forward HTTP proxy (absolute-form requests only, as undici sends for http:// targets); records each URL. Hosts
 * under .invalid resolve to 127.0.0.1 here only, so a test can tell the proxy was used.
 */
export async function startForwardProxy(t: Cleanup): Promise<{url: string; seen: string[]}> {
  const seen: string[] = []
  const server = createHttpServer((request, response) => {
    seen.push(request.url ?? '')
    const target = new URL(request.url ?? '')
    const host = target.hostname.endsWith('.invalid') ? '127.0.0.1' : target.hostname
    const upstream = httpRequest(
      {
        host,
        port: target.port,
        path: target.pathname + target.search,
        method: request.method,
        headers: request.headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(response)
      },
    )
    upstream.on('error', () => response.writeHead(502).end())
    request.pipe(upstream)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  )
  return {url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen}
}
