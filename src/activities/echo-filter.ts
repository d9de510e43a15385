import type { CustomerDiff } from '../merge/index.js';
import type { FlowStepPlan } from '../domain/run-types.js';

/** A change as the change log has it. */
export interface LoggedChange {
  change: 'created' | 'updated';
  diff: CustomerDiff[];
  /** The connector that created the customer. */
  sourceConnector: string;
}

/** The aspect a change-log entry is about, as flow steps name aspects. */
const aspectOf = (entry: CustomerDiff): string => (entry.aspect === 'subDepartments' ? 'relations' : entry.aspect);

/**
 * Whether a change came from `target` alone, so pushing it there would echo it back:
 * a customer the target created, or an update whose every changed value the run took
 * only from steps reading the target.
 */
export function cameFromTarget(change: LoggedChange, target: string, steps: readonly FlowStepPlan[]): boolean {
  if (change.change === 'created') return change.sourceConnector === target;
  if (change.diff.length === 0) return false;
  return change.diff.every((entry) => {
    const aspect = aspectOf(entry);
    const suppliers = aspect === 'type' ? steps.filter((s) => s.role === 'source') : steps.filter((s) => (s.aspects as string[]).includes(aspect));
    return suppliers.length > 0 && suppliers.every((s) => s.connector === target);
  });
}
