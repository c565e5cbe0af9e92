import {isIP} from 'node:net'

// The environment's proxy rule, shared by the API server and the Prometheus clients (read/kube, read/prometheus).

/**
 * The proxy of the environment for a server, as Go's http.ProxyFromEnvironment (which kubectl uses when the
 * kubeconfig has no proxy-url): HTTPS_PROXY for https://, HTTP_PROXY for http:// (upper case first), none for
 * localhost, loopback addresses and hosts NO_PROXY matches. A proxy without a scheme is http://.
 */
export function environmentProxy(server: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  let url: URL
  try {
    url = new URL(server)
  } catch {
    return undefined
  }
  const https = url.protocol === 'https:'
  const proxy = https ? env.HTTPS_PROXY || env.https_proxy : env.HTTP_PROXY || env.http_proxy
  if (!proxy) return undefined
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase()
  if (host === 'localhost' || host.endsWith('.localhost') || isLoopback(host)) return undefined
  const port = url.port || (https ? '443' : '80')
  for (const raw of (env.NO_PROXY || env.no_proxy || '').split(',')) {
    const entry = raw.trim().toLowerCase()
    if (entry === '') continue
    if (entry === '*') return undefined
    const [, entryHost = entry, entryPort] = /^(.*?)(?::(\d+))?$/.exec(entry.replace(/^\[|\](?=:|$)/g, '')) ?? []
    if (entryPort !== undefined && entryPort !== port) continue
    const domain = entryHost.replace(/^\*?\./, '')
    if (entryHost.includes('/') ? inCidr(host, entryHost) : host === domain || host.endsWith(`.${domain}`)) {
      return undefined
    }
  }
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`
}

function isLoopback(host: string): boolean {
  return (isIP(host) === 4 && host.startsWith('127.')) || host === '::1'
}

/** An IPv4 address in a CIDR block (NO_PROXY=10.0.0.0/8); IPv6 blocks are compared as prefixes of the text. */
function inCidr(host: string, cidr: string): boolean {
  const [base = '', bitsText = ''] = cidr.split('/')
  const bits = Number(bitsText)
  if (isIP(host) !== 4 || isIP(base) !== 4 || !(bits >= 0 && bits <= 32)) {
    return isIP(host) === 6 && host.startsWith(base.replace(/::$/, ''))
  }
  const value = (ip: string) => ip.split('.').reduce((sum, part) => sum * 256 + Number(part), 0)
  const size = 2 ** (32 - bits)
  return Math.floor(value(host) / size) === Math.floor(value(base) / size)
}
