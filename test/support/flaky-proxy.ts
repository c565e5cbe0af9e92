import {createServer, request as httpRequest, type IncomingMessage, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'

import type {Cleanup} from './prometheus.js'

/** What the proxy does with one request instead of forwarding it. */
export type Fault =
  /** Answer this status (429, 502, 503, 504 …) with a short text body, and Retry-After when given. */
  | {status: number; retryAfter?: string | undefined; body?: string | undefined}
  /** Close the connection without an answer (the client sees ECONNRESET or a socket error). */
  | 'reset'

export interface FlakyProxy {
  /** http://127.0.0.1:<port>/ */
  url: string
  /** Every request that reached the proxy, faulted or forwarded, in order. */
  requests: Array<{method: string; url: string; headers: IncomingMessage['headers']; fault: Fault | undefined}>
}

/**
 * A real HTTP server in front of a real backend (Prometheus, VictoriaMetrics) that answers the requests `faultFor`
 * picks with an HTTP error or a reset connection and forwards the others unchanged: what a rate-limiting gateway or
 * a restarting querier does. Binds 127.0.0.1 port 0; closed in `t.after`.
 */
export async function startFlakyProxy(
  t: Cleanup,
  backendUrl: string,
  faultFor: (index: number, request: IncomingMessage) => Fault | undefined,
  options: {
    /**
     * Serve the API only under this path (e.g. `/select/42/prometheus/`, VictoriaMetrics cluster's tenant path) and
     * forward it to the backend's root; other paths get 404.
     */
    pathPrefix?: string
  } = {},
): Promise<FlakyProxy> {
  const backend = new URL(backendUrl)
  const requests: FlakyProxy['requests'] = []
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const fault = faultFor(requests.length, request)
    requests.push({method: request.method ?? '', url: request.url ?? '', headers: request.headers, fault})
    if (fault === 'reset') {
      request.socket.destroy()
      return
    }
    if (fault !== undefined) {
      request.resume()
      response.writeHead(fault.status, {
        'content-type': 'text/plain',
        ...(fault.retryAfter === undefined ? {} : {'retry-after': fault.retryAfter}),
      })
      response.end(fault.body ?? `status ${fault.status}\n`)
      return
    }
    let path = request.url ?? '/'
    if (options.pathPrefix !== undefined) {
      if (!path.startsWith(options.pathPrefix)) {
        request.resume()
        response.writeHead(404, {'content-type': 'text/plain'}).end('404 page not found\n')
        return
      }
      path = `/${path.slice(options.pathPrefix.length)}`
    }
    const forward = httpRequest(
      {
        host: backend.hostname,
        port: backend.port,
        method: request.method,
        path,
        headers: {...request.headers, host: backend.host},
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(response)
      },
    )
    forward.on('error', () => response.destroy())
    request.pipe(forward)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  const {port} = server.address() as AddressInfo
  return {url: `http://127.0.0.1:${port}/`, requests}
}
