/**
 * Completion scripts and the kubectl shim. The shells call `kubectl-va __complete -- <words>` and read Cobra's
 * protocol back (see cli/completion/complete.ts); the `--` keeps a typed `--help` from reaching oclif's help.
 */

export const completionShells = ['bash', 'zsh', 'fish', 'powershell'] as const
export type CompletionShell = (typeof completionShells)[number]

export function isCompletionShell(name: string): name is CompletionShell {
  return (completionShells as readonly string[]).includes(name)
}

/** The file kubectl (>= 1.26) looks for on PATH to complete `kubectl va ...`. */
export const kubectlShimName = 'kubectl_complete-va'

/** POSIX shim: prefers the kubectl-va next to it (krew's bin/ or an archive), else the one on PATH. */
export const kubectlCompletionShim = `#!/usr/bin/env sh
# kubectl (>= 1.26) runs this file to complete "kubectl va ...". \
Written by "kubectl va completion install-kubectl-shim".
here=\${0%/*}
if [ "$here" != "$0" ] && [ -x "$here/kubectl-va" ]; then exec "$here/kubectl-va" __complete -- "$@"; fi
exec kubectl-va __complete -- "$@"
`

/** Windows shim, for kubectl's plugin lookup through PATHEXT. */
export const kubectlCompletionShimCmd = `@echo off\r
rem kubectl (>= 1.26) runs this file to complete "kubectl va ...".\r
if exist "%~dp0kubectl-va.exe" (\r
  "%~dp0kubectl-va.exe" __complete -- %*\r
) else (\r
  kubectl-va __complete -- %*\r
)\r
`

const header = (
  comment: string,
) => `${comment} Completion for kubectl-va (run directly). For "kubectl va <TAB>", kubectl's own completion
${comment} runs ${kubectlShimName} instead: install it with "kubectl va completion install-kubectl-shim".
`

export function completionScript(shell: CompletionShell): string {
  switch (shell) {
    case 'bash':
      return `${header('#')}
__kubectl_va_complete() {
  local cur=\${COMP_WORDS[COMP_CWORD]} out directive line
  out=$(kubectl-va __complete -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) || return
  directive=\${out##*:}
  COMPREPLY=()
  while IFS= read -r line; do
    [[ -z $line || $line == :* ]] && continue
    COMPREPLY+=("\${line%%$'\\t'*}")
  done <<< "$out"
  (( directive & 1 )) && { COMPREPLY=(); return; }
  (( directive & 2 )) && compopt -o nospace 2>/dev/null
  if (( \${#COMPREPLY[@]} == 0 )) && ! (( directive & 4 )); then
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o default -F __kubectl_va_complete kubectl-va
`
    case 'zsh':
      return `#compdef kubectl-va
${header('#')}
_kubectl_va() {
  local -a candidates lines
  local out directive line
  out=$(kubectl-va __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null) || return 1
  lines=("\${(@f)out}")
  directive=\${\${lines[-1]}#:}
  for line in "\${(@)lines[1,-2]}"; do
    [[ -z $line ]] && continue
    if [[ $line == *$'\\t'* ]]; then
      candidates+=("\${\${line%%$'\\t'*}//:/\\\\:}:\${line#*$'\\t'}")
    else
      candidates+=("\${line//:/\\\\:}")
    fi
  done
  (( directive & 1 )) && return 1
  if (( \${#candidates} > 0 )); then
    if (( directive & 2 )); then _describe 'kubectl-va' candidates -S ''; else _describe 'kubectl-va' candidates; fi
  elif ! (( directive & 4 )); then
    _files
  fi
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then _kubectl_va "$@"; else compdef _kubectl_va kubectl-va; fi
`
    case 'fish':
      return `${header('#')}
function __kubectl_va_complete
    set -l words (commandline -opc) (commandline -ct)
    set -l out (kubectl-va __complete -- $words[2..-1] 2>/dev/null)
    or return
    set -l directive (string replace -r '^:' '' -- $out[-1])
    if test (math "$directive % 2") -eq 1
        return
    end
    for line in $out[1..-2]
        test -n "$line"; and echo $line
    end
end
complete -c kubectl-va -f -a '(__kubectl_va_complete)'
`
    case 'powershell':
      return `${header('#')}
Register-ArgumentCompleter -Native -CommandName 'kubectl-va', 'kubectl-va.exe' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $words = @($commandAst.CommandElements | Select-Object -Skip 1 | ForEach-Object { $_.ToString() })
    if ($wordToComplete -eq '') { $words += '' }
    $out = @(& kubectl-va __complete '--' @words 2>$null)
    if ($out.Count -eq 0) { return }
    $directive = [int]($out[-1].TrimStart(':'))
    if ($directive -band 1) { return }
    $out | Select-Object -SkipLast 1 | Where-Object { $_ -ne '' } | ForEach-Object {
        $value, $description = $_ -split "\`t", 2
        if (-not $description) { $description = $value }
        [System.Management.Automation.CompletionResult]::new($value, $value, 'ParameterValue', $description)
    }
}
`
  }
}
