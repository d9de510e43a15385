import type { ConnectorInput } from '../connectors/connector.js';
import { InputError } from '../connectors/input-error.js';
import type { ActivityDeps } from './activity-deps.js';

export interface SelectInputsInput {
  runId: string;
  stepIndex: number;
  connector: string;
  /** Input names asked for explicitly; read even if processed before. */
  requested?: string[];
}

/**
 * Chooses what a step reads: the requested inputs, or for connectors whose inputs
 * are consumed (files) the oldest one not yet processed, or else all of them.
 */
export function selectInputsActivity({ db, connectors }: ActivityDeps) {
  return async function selectInputs(input: SelectInputsInput): Promise<ConnectorInput[]> {
    const connector = connectors(input.connector);
    const available = await connector.listInputs();
    let selected: ConnectorInput[];
    if (input.requested && input.requested.length > 0) {
      selected = input.requested.map((name) => {
        const found = available.find((a) => a.name === name);
        if (!found) {
          const names = available.map((a) => a.name).join(', ') || 'none';
          throw new InputError(`connector ${input.connector} has no input named "${name}"; available: ${names}`);
        }
        return found;
      });
    } else if (connector.consumesInputs) {
      const processed = await db
        .selectFrom('connector_inputs')
        .select(['name', 'checksum'])
        .where('connector', '=', input.connector)
        .execute();
      const done = new Set(processed.map((p) => `${p.name}\u0000${p.checksum}`));
      const next = available.find((a) => !done.has(`${a.name}\u0000${a.checksum}`));
      selected = next ? [next] : [];
    } else {
      selected = available;
    }
    await db
      .updateTable('sync_run_steps')
      .set({ inputs: JSON.stringify(selected.map((s) => s.name)) })
      .where('run_id', '=', input.runId)
      .where('step_index', '=', input.stepIndex)
      .execute();
    return selected;
  };
}
