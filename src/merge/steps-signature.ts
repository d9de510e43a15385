import { createHash } from 'node:crypto';
import type { FlowStepPlan } from '../domain/run-types.js';

/**
 * Identifies a flow's step configuration; part of every customer's input hash, so a
 * changed flow merges every customer again.
 */
export function stepsSignature(steps: readonly FlowStepPlan[]): string {
  const shape = steps.map((s) => [s.role, s.connector, [...s.aspects].sort(), s.matchBy ?? null]);
  return createHash('sha256').update(JSON.stringify(shape)).digest('hex');
}
