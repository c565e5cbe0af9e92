/** A failure the release script reports as one line, without a stack trace. */
export class ReleaseError extends Error {
  /** @override */
  name = 'ReleaseError'
}
