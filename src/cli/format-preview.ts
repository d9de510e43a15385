import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { CustomerDiff } from '../merge/index.js';
import { dryRunPreview } from '../operations/runs.js';

/** Keys that repeat an item's identity; the item's key already says them. */
const IDENTITY_KEYS = new Set(['key', 'addressKey', 'contactKey']);

function show(value: unknown): string {
  if (Array.isArray(value)) return value.map(show).join(', ');
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([k]) => !IDENTITY_KEYS.has(k));
    if (entries.length === 1 && entries[0]![0] === 'value') return show(entries[0]![1]);
    return entries.map(([k, v]) => `${k}=${show(v)}`).join(' ');
  }
  return String(value);
}

/** One line per added or removed item, one per changed property of a changed item (before → after). */
export function diffLines(d: CustomerDiff): string[] {
  const where = d.key ? `${d.aspect} ${d.key}` : d.aspect;
  if (d.change === 'added') return [`+ ${where}: ${show(d.after)}`];
  if (d.change === 'removed') return [`- ${where}: ${show(d.before)}`];
  const before = d.before as Record<string, unknown> | undefined;
  const after = d.after as Record<string, unknown> | undefined;
  if (!before || !after || typeof before !== 'object' || typeof after !== 'object' || Array.isArray(before)) {
    return [`~ ${where}: ${show(d.before)} → ${show(d.after)}`];
  }
  const props = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !IDENTITY_KEYS.has(k));
  return props
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((k) => `~ ${where}${k === 'value' ? '' : ` ${k}`}: ${show(before[k] ?? '(none)')} → ${show(after[k] ?? '(none)')}`);
}

/** What a dry run would do: each creation, hold for review and update field by field, and the customers it would mark missing. */
export async function formatPreview(db: Kysely<Database>, runId: string): Promise<string> {
  const { previews, missing } = await dryRunPreview({ db }, runId);
  const lines: string[] = ['', 'would change (nothing was written):'];
  if (previews.length === 0 && missing.length === 0) lines.push('  nothing');
  for (const p of previews) {
    lines.push(`  ${p.change === 'hold' ? 'hold for review' : p.change} ${p.source_id}`);
    for (const d of p.diff) for (const line of diffLines(d)) lines.push(`    ${line}`);
  }
  for (const m of missing) lines.push(`  mark missing ${m.source_id}${m.name ? `  ${m.name}` : ''}`);
  return lines.join('\n');
}
