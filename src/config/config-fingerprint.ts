import { createHash } from 'node:crypto';
import type { CustsyncConfig } from './config-schema.js';

/** Connector settings that say where data lives rather than what it means; they may differ between machines. */
const LOCATION_FIELDS = new Set(['folder', 'path', 'referenceData', 'archiveFolder', 'downloadFolder']);

function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .filter((k) => !(LOCATION_FIELDS.has(k) && typeof (value as Record<string, unknown>)[k] === 'string'))
        .sort()
        .map((k) => [k, stable((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/**
 * A short hash of everything in the config that decides what a run of `flow` does: the
 * flow itself and the connectors it uses. File locations are left out, so a CLI and a
 * worker may see the same folders under different paths. A run carries the fingerprint
 * of the config it was started from; a worker with a different one refuses it.
 */
export function flowFingerprint(config: CustsyncConfig, flow: string): string | undefined {
  const definition = config.flows[flow];
  if (!definition) return undefined;
  const names = [
    ...(definition.source.type === 'connector' ? [definition.source.connector] : []),
    ...definition.enrichments.map((e) => e.connector),
  ];
  const connectors = Object.fromEntries(
    names.map((name) => [
      name,
      config.connectors[name] ?? {},
    ]),
  );
  const text = JSON.stringify(stable({ flow: definition, connectors }));
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}
