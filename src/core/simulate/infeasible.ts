/**
 * The queueing optimizer's "infeasible" causes in an operator's words. Upstream reports a target it cannot meet as
 * the bisection's failure (`failed to calculate lambdaStarITL, targetITL=5, range=[0.000, 16.881], ind=-1, err=target
 * is below the bounded region`): the range is of arrival rates, not latencies, and says nothing to an operator. We
 * say which target, what this profile reaches at its best (one request, batch 1), and what to change.
 */

export interface InfeasibleContext {
  decodeParms: Readonly<Record<string, string>>
  prefillParms: Readonly<Record<string, string>>
  /** Average input tokens fed to the optimizer. */
  avgInputTokens: number
}

const bisectionFailure =
  /failed to calculate lambdaStar(ITL|TTFT), target(?:ITL|TTFT)=(-?[\d.eE+-]+).*below the bounded region/

/** The cause in words, or undefined when it is not one we know (then the upstream text is kept). */
export function infeasibleInWords(cause: string, context: InfeasibleContext): string | undefined {
  const match = bisectionFailure.exec(cause)
  if (!match) return undefined
  const quantity = match[1] as 'ITL' | 'TTFT'
  const target = Number(match[2])
  const parm = (parms: Readonly<Record<string, string>>, name: string) => Number(parms[name])
  // One request alone (batch 1): ITL = alpha + beta; TTFT = gamma + delta × input tokens (no queueing).
  const best =
    quantity === 'ITL'
      ? parm(context.decodeParms, 'alpha') + parm(context.decodeParms, 'beta')
      : parm(context.prefillParms, 'gamma') + parm(context.prefillParms, 'delta') * context.avgInputTokens
  const flag = quantity === 'ITL' ? '--slo-itl' : '--slo-ttft'
  const ms = (value: number) => `${Number(value.toFixed(value >= 100 ? 0 : 1))} ms`
  if (!Number.isFinite(best)) return `the ${quantity} target ${ms(target)} cannot be met by this profile; raise ${flag}`
  if (target < best) {
    const how = quantity === 'ITL' ? 'decode alpha + beta' : 'prefill gamma + delta x input tokens'
    return (
      `the ${quantity} target ${ms(target)} is below the ${ms(best)} this profile needs at batch 1 (${how}); ` +
      `raise ${flag} or use a faster accelerator`
    )
  }
  // The controller's search also rejects a target above a latency curve that is flat over the whole rate range
  // (optimizer-algorithm.md, quirk 1): WVA itself would not allocate.
  return (
    `the ${quantity} target ${ms(target)} is above the ${ms(best)} this profile needs at batch 1, but its ` +
    `${quantity} barely changes with load, and WVA's search rejects such a flat curve (the controller allocates ` +
    `nothing either); check the profile's perfParms, or set ${flag} to 0 (not constrained)`
  )
}
