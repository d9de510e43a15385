import type { RunProgress, RunReport } from '../workflows/customer-sync-types.js';

/** A run report as a human reads it. */
export function formatReport(report: RunReport): string {
  const lines: string[] = [];
  lines.push(`run ${report.runId} (${report.flow}, ${report.mode}): ${report.status} in ${(report.durationMs / 1000).toFixed(1)} s`);
  lines.push('');
  const header = ['step', 'connector', 'inputs', 'read', 'staged', 'matched', 'unmatched', 'rejected'];
  const rows = report.steps.map((s, i) => [
    `${i + 1} ${s.role}`,
    s.connector,
    s.inputs.join(', ') || '-',
    String(s.read),
    String(s.staged),
    String(s.matched),
    String(s.unmatched),
    String(s.rejected),
  ]);
  lines.push(...table([header, ...rows]));
  lines.push('');
  const t = report.totals;
  lines.push(
    `customers: ${t.customers} merged — ${t.created} created, ${t.updated} updated, ${t.unchanged} unchanged, ${t.rejected} rejected`,
  );
  if (report.rejectedSample.length > 0) {
    lines.push('');
    lines.push('rejected records:');
    for (const r of report.rejectedSample) {
      const where = r.line > 0 ? `${r.source}:${r.line}` : r.source;
      lines.push(`  ${where}${r.externalId ? ` [${r.externalId}]` : ''}: ${r.reason}`);
    }
    if (t.rejected > report.rejectedSample.length) {
      lines.push(`  … and ${t.rejected - report.rejectedSample.length} more (custsync runs show ${report.runId} --rejected all)`);
    }
  }
  if (report.error) lines.push('', `error: ${report.error}`);
  return lines.join('\n');
}

/** One status line for a run in progress. */
export function formatProgress(p: RunProgress): string {
  const t = p.totals;
  if (p.phase === 'staging' || p.phase === 'matching') {
    const s = p.currentStep !== undefined ? p.steps[p.currentStep] : undefined;
    return `${p.phase} step ${(p.currentStep ?? 0) + 1}/${p.steps.length}${s ? ` (${s.connector})` : ''}`;
  }
  if (p.phase === 'merging') {
    const of = p.customersToMerge > 0 ? `/${p.customersToMerge}` : '';
    return `merging: ${t.customers}${of} customers (${t.created} created, ${t.updated} updated, ${t.unchanged} unchanged) in ${p.chunksDone} chunks`;
  }
  return p.phase;
}

export function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (c >= 3 && /^\d+$/.test(cell) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd(),
  );
}
