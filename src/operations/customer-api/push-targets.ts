import type { CustsyncConfig } from '../../config/config-schema.js';

/** Every flow's push targets, except the connector that wrote the change (no echo), sorted. */
export function pushTargetsExcept(config: CustsyncConfig, writer: string): string[] {
  return [...new Set(Object.values(config.flows).flatMap((f) => f.pushTo ?? []))].filter((t) => t !== writer).sort();
}
