/** The flow a run belongs to, read from its workflow id (`sync/<flow>/<key>`); `unknown` for any other id. */
export function flowOfRunId(runId: string): string {
  const [kind, flow] = runId.split('/');
  return kind === 'sync' && flow ? flow : 'unknown';
}
