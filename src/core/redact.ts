/** The userinfo of a URL with a scheme: everything between `scheme://` and the last `@` before the host. */
const urlUserinfo = /\b([a-z][a-z0-9+.-]*:\/\/)[^/\s?#"'<>]*@/gi

/** Every URL in `text` without its userinfo (`https://u:p@host/` becomes `https://host/`), for output. */
export function stripUrlUserinfo(text: string): string {
  return text.replace(urlUserinfo, '$1')
}

/**
 * Last line of defence against leaking credentials into messages: bearer tokens, basic-auth userinfo in URLs,
 * and PEM private keys. Code should not put secrets into messages in the first place; this catches wrapped
 * errors from libraries that quote request headers or URLs.
 */
const patterns: ReadonlyArray<[RegExp, string]> = [
  [/(authorization["']?\s*[:=]\s*["']?)(bearer|basic)\s+[^\s"',}]+/gi, '$1$2 <redacted>'],
  [/\b(bearer)\s+[A-Za-z0-9\-._~+/]+=*/gi, '$1 <redacted>'],
  // URL userinfo (user:password@, or a token as the user name) is dropped, not masked: see stripUrlUserinfo.
  [urlUserinfo, '$1'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, '<redacted private key>'],
  // `token: x` or `password=x` as a key and its value; not a path ending in /token followed by ": ENOENT".
  [/((?<![\w/.-])(?:token|password|client-key-data|client-secret)["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, '$1<redacted>'],
]

export function redactSecrets(text: string, extraSecrets: readonly string[] = []): string {
  let out = text
  for (const secret of extraSecrets) if (secret.length >= 4) out = out.split(secret).join('<redacted>')
  for (const [pattern, replacement] of patterns) out = out.replace(pattern, replacement)
  return out
}

/**
 * The secrets one command run has read (tokens, passwords, keys), so that any message quoting them is redacted.
 * Created once per run (main() gives it to the command), carried by the cluster connection and the Prometheus client
 * that read the secrets, and used by the one place that prints errors.
 */
export class Secrets {
  readonly #known: string[] = []

  add(secret: string | undefined): void {
    if (secret && secret.length >= 4 && !this.#known.includes(secret)) this.#known.push(secret)
  }

  /** redactSecrets with this run's secrets. */
  redact(text: string): string {
    return redactSecrets(text, this.#known)
  }
}
