import type { RunProgress, RunReport, WithheldCustomerReport } from '../domain/run-types.js';

/** A run report as a human reads it. */
export function formatReport(report: RunReport): string {
  const lines: string[] = [];
  lines.push(
    `${report.dryRun ? 'DRY RUN ' : ''}run ${report.runId} (${report.flow}, ${report.mode}, triggered by ${report.trigger}): ${report.status} in ${(report.durationMs / 1000).toFixed(1)} s`,
  );
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
  const inputs = report.steps.flatMap((s, i) => s.inputDetails.map((d) => ({ step: i + 1, ...d })));
  if (inputs.length > 0) {
    lines.push('', 'inputs, in the order applied:');
    const rows = inputs.map((d) => [
      `  step ${d.step}`,
      d.name,
      d.kind,
      d.status === 'superseded'
        ? 'skipped: a later full snapshot supersedes it'
        : d.status === 'duplicate'
          ? `skipped: same content as ${d.duplicateOf ?? 'an earlier input'}`
          : `${d.read} read, ${d.rejected} rejected`,
    ]);
    lines.push(...table(rows));
    for (const d of inputs) for (const warning of d.warnings ?? []) lines.push(`  ⚠ ${d.name}: ${warning}`);
  }
  lines.push('');
  const t = report.totals;
  lines.push(
    `customers: ${t.customers} merged — ${t.created} created, ${t.updated} updated, ${t.unchanged} unchanged, ${t.rejected} rejected`,
  );
  if (t.held) lines.push(`held for review: ${t.held} new customers, not created (custsync review list --flow ${report.flow})`);
  if (report.restored > 0) lines.push(`restored: ${report.restored} missing customers supplied again`);
  if (report.deletion) lines.push(formatDeletion(report));
  if (report.duplicates) {
    const { candidates, strong, merged } = report.duplicates;
    const mergedText = merged > 0 ? `, ${merged} merged by the run (undo: custsync duplicates unmerge <customer>)` : '';
    lines.push(`duplicates: ${candidates} possible duplicate pair${candidates === 1 ? '' : 's'} found (${strong} strong)${mergedText}: custsync duplicates list`);
  }
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
  if (report.withheld.count > 0) {
    lines.push('', 'left as they were, because rows of theirs were rejected:');
    for (const w of report.withheld.sample) lines.push(`  ${formatWithheld(w)}`);
    if (report.withheld.count > report.withheld.sample.length) {
      lines.push(`  … and ${report.withheld.count - report.withheld.sample.length} more (custsync runs rejects ${report.runId})`);
    }
  }
  if (report.error) lines.push('', `error: ${report.error}`);
  return lines.join('\n');
}

/** `C123 not updated: line 1002 rejected — reason (customer_2.txt)`. */
export function formatWithheld(w: WithheldCustomerReport): string {
  const lines = w.lines.length === 1 ? `line ${w.lines[0]}` : `lines ${w.lines.join(', ')}`;
  return `${w.externalId} ${w.isNew ? 'not created' : 'not updated'}: ${lines} rejected — ${w.reason} (${w.source}, step ${w.stepIndex + 1})`;
}

const DELETION_OUTCOMES: Record<string, string> = {
  'nothing-missing': 'no customer missing from the full snapshot',
  found: 'missing customers found',
  marked: 'marked missing; deleted after the grace period unless they come back',
  'awaiting-approval': 'waiting for approval (custsync deletions approve|reject <run>)',
  approved: 'approved and marked missing; deleted after the grace period unless they come back',
  rejected: 'rejected by an operator: nothing marked',
  'timed-out': 'no decision before the approval timeout: nothing marked',
  'dry-run': 'dry run: they would be marked missing',
  'dry-run-needs-approval': 'dry run: more than the threshold, so the run would wait for approval',
};

function formatDeletion(report: RunReport): string {
  const d = report.deletion!;
  if (d.status === 'nothing-missing') return `deletions: no customer of the source is missing from the full snapshot (${d.sourceCustomers} compared)`;
  const share = d.sourceCustomers > 0 ? ` (${((100 * d.candidates) / d.sourceCustomers).toFixed(1)}% of ${d.sourceCustomers})` : '';
  const later =
    d.deletedAfterGrace > 0 ? `; ${d.deletedAfterGrace} deleted after the grace period, ${d.purged} purged` : '';
  return `deletions: ${d.candidates} missing from the full snapshot${share}, ${d.markedMissing} marked — ${DELETION_OUTCOMES[d.status] ?? d.status}${later}`;
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
  if (p.phase === 'awaiting-deletion-approval' && p.awaitingApproval) {
    const a = p.awaitingApproval;
    return `waiting for approval: ${a.candidates} of ${a.sourceCustomers} customers would be marked missing (threshold ${a.thresholdPercent}%); custsync deletions approve|reject ${p.runId}`;
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
