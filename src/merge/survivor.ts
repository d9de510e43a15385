import type { FieldRule } from '../domain/survivorship.js';
import { canonicalJson } from './content-hash.js';

/** One connector's latest value of a field, with the run that set it and when it last changed. */
export interface SuppliedValue<T = unknown> {
  connector: string;
  value: T;
  runId: string;
  /** When the connector's value last changed (ISO time): what `mostRecent` compares. */
  at: string;
}

/** Whether a value says nothing: absent, blank text, or an object or list with nothing in it. */
export function isEmptyValue(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.every(isEmptyValue);
  if (typeof value === 'object') return Object.values(value as Record<string, unknown>).every(isEmptyValue);
  return false;
}

const newestFirst = (a: SuppliedValue, b: SuppliedValue) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0);

/**
 * The value that survives among each connector's value of a field (`entries`, one per connector)
 * by `rule`. `latestConnector` is the connector `latest` keeps: the last step that supplied the
 * field in this run, else the current winner. Ties go to the most recent value, then to the
 * latest connector.
 */
export function pickSurvivor<T>(entries: readonly SuppliedValue<T>[], rule: FieldRule, latestConnector: string | undefined): SuppliedValue<T> | undefined {
  const nonEmpty = rule.ignoreEmpty ? entries.filter((e) => !isEmptyValue(e.value)) : entries;
  const pool = nonEmpty.length > 0 ? [...nonEmpty] : [...entries];
  if (pool.length === 0) return undefined;
  const latest = pool.find((e) => e.connector === latestConnector);
  const byRecency = pool.sort((a, b) => newestFirst(a, b) || (a.connector === latestConnector ? -1 : b.connector === latestConnector ? 1 : 0));
  switch (rule.rule) {
    case 'latest':
    case 'union':
      return latest ?? byRecency[0];
    case 'mostRecent':
      return byRecency[0];
    case 'priority': {
      const order = rule.connectors ?? [];
      const rank = (e: SuppliedValue<T>) => (order.includes(e.connector) ? order.indexOf(e.connector) : order.length);
      return [...byRecency].sort((a, b) => rank(a) - rank(b))[0];
    }
    case 'mostFrequent': {
      const counts = new Map<string, number>();
      for (const e of pool) counts.set(canonicalJson(e.value), (counts.get(canonicalJson(e.value)) ?? 0) + 1);
      return [...byRecency].sort((a, b) => counts.get(canonicalJson(b.value))! - counts.get(canonicalJson(a.value))!)[0];
    }
  }
}

/** What other connectors supply for a field that its rule did not choose (none without a rule). */
export function lostValues(field: { provenance: { connector: string }; candidates?: SuppliedValue[] }): { connector: string; value: unknown; runId: string }[] {
  return (field.candidates ?? []).filter((c) => c.connector !== field.provenance.connector).map((c) => ({ connector: c.connector, value: c.value, runId: c.runId }));
}

/** How a field's value was chosen, for views: the rule, and what lost; nothing without a rule. */
export function choiceOf(field: { provenance: { connector: string }; candidates?: SuppliedValue[]; chosenBy?: string }): { chosenBy?: string; lost?: { connector: string; value: unknown; runId: string }[] } {
  if (!field.chosenBy) return {};
  const lost = lostValues(field);
  return { chosenBy: field.chosenBy, ...(lost.length > 0 ? { lost } : {}) };
}

/** When a connector's value counts as changed: the source's own change time when its record has one (as UTC ISO), else `now`. */
export function suppliedAt(record: { changedAt?: string } | undefined, now: string): string {
  if (record?.changedAt === undefined) return now;
  const time = new Date(record.changedAt);
  return Number.isNaN(time.getTime()) ? now : time.toISOString();
}
