import { basename } from 'node:path';
import type { ConnectorInput } from '../connectors/connector.js';
import type { ImportFile, ImportUpload } from '../domain/run-types.js';
import { InputError } from '../connectors/input-error.js';
import {
  connectorCursorForRun,
  loadSelectedInputs,
  lastProcessedInput,
  processedInputKeys,
  recordSelectedInputs,
  type SelectedInput,
} from '../db/repositories/run-inputs.js';
import { hasMergePlan } from '../db/repositories/merge-plans.js';
import type { ActivityDeps } from './activity-deps.js';

export interface SelectInputsInput {
  runId: string;
  stepIndex: number;
  connector: string;
  /** Input names asked for explicitly; read even if processed before. */
  requested?: string[];
  /** Customers to look up instead of listing inputs (an order run): one input, a delta. */
  lookup?: string[];
  /** A bulk-import file instead of the connector's inputs: one input, a delta. */
  importFile?: ImportFile;
  /** A bulk upsert's stored records instead of the connector's inputs: one input, a delta. */
  importUpload?: ImportUpload;
}

/**
 * Chooses what a step reads: the requested inputs; for connectors whose inputs are
 * consumed (files) every pending one, oldest first; otherwise all of them. Inputs
 * before the last full snapshot are superseded by it, and an input with the same content
 * as the one just before it (a repeated upload) is a duplicate: both recorded, not read. Returns the
 * inputs to read, in order. An order run reads one input: its customers, looked up. A run that already merged part of its inputs (a retried
 * run) gets the same selection again.
 */
export function selectInputsActivity({ db, connectors }: ActivityDeps) {
  return async function selectInputs(input: SelectInputsInput): Promise<ConnectorInput[]> {
    if (input.importFile) {
      const file: ConnectorInput = { name: `import ${basename(input.importFile.path)}`, checksum: input.importFile.checksum, kind: 'delta', importFile: input.importFile.path };
      await recordSelectedInputs(db, input.runId, input.stepIndex, input.connector, [{ input: file, status: 'applied' }]);
      return [file];
    }
    if (input.importUpload) {
      const upload: ConnectorInput = { name: `upload ${input.importUpload.id}`, checksum: input.importUpload.checksum, kind: 'delta', importUpload: input.importUpload.id };
      await recordSelectedInputs(db, input.runId, input.stepIndex, input.connector, [{ input: upload, status: 'applied' }]);
      return [upload];
    }
    const connector = connectors(input.connector);
    if (input.lookup) {
      const lookup: ConnectorInput = { name: `lookup ${input.lookup.join(', ')}`, checksum: 'live', kind: 'delta', lookup: input.lookup };
      await recordSelectedInputs(db, input.runId, input.stepIndex, input.connector, [{ input: lookup, status: 'applied' }]);
      return [lookup];
    }
    const since = await connectorCursorForRun(db, input.runId, input.connector);
    const available = await connector.listInputs(since !== undefined ? { since } : {});
    if (await hasMergePlan(db, input.runId)) {
      const earlier = await loadSelectedInputs(db, input.runId, input.stepIndex);
      return earlier
        .filter((s) => s.status === 'applied')
        .map(({ input: wanted }) => {
          const found = available.find((a) => a.name === wanted.name);
          if (!found || found.checksum !== wanted.checksum) {
            throw new InputError(
              `input ${wanted.name} of connector ${input.connector} is ${found ? 'changed' : 'gone'} since this run merged part of it; ` +
                'a retried run reads exactly what it read before: start a new run instead',
            );
          }
          // An incremental listing goes on from the cursors it was selected with.
          return { ...found, ...(wanted.since !== undefined ? { since: wanted.since } : {}), ...(wanted.nextCursor !== undefined ? { nextCursor: wanted.nextCursor } : {}) };
        });
    }

    let candidates: ConnectorInput[];
    const duplicates = new Map<ConnectorInput, string>();
    if (input.requested && input.requested.length > 0) {
      candidates = input.requested.map((name) => {
        const found = available.find((a) => a.name === name);
        if (!found) {
          const names = available.map((a) => a.name).join(', ') || 'none';
          throw new InputError(`connector ${input.connector} has no input named "${name}"; available: ${names}`);
        }
        return found;
      });
    } else if (connector.consumesInputs) {
      const done = await processedInputKeys(db, input.connector);
      candidates = available.filter((a) => !done.has(`${a.name}\u0000${a.checksum}`));
      // An upload repeated under another name (same content as the input just before it) is skipped.
      // Content equal to an older input, with other inputs in between, is applied: it is the source's state again.
      const last = await lastProcessedInput(db, input.connector);
      let previous = last && { checksum: last.checksum, label: `${last.name} (run ${last.runId})` };
      for (const c of candidates) {
        if (previous?.checksum === c.checksum) duplicates.set(c, previous.label);
        else previous = { checksum: c.checksum, label: c.name };
      }
    } else {
      candidates = available;
    }
    const lastFull = candidates.map((c) => (duplicates.has(c) ? 'duplicate' : (c.kind ?? 'full'))).lastIndexOf('full');
    const selected: SelectedInput[] = candidates.map((c, i) => {
      const duplicateOf = duplicates.get(c);
      if (duplicateOf) return { input: c, status: 'duplicate', duplicateOf };
      return { input: c, status: i < lastFull ? 'superseded' : 'applied' };
    });
    await recordSelectedInputs(db, input.runId, input.stepIndex, input.connector, selected);
    return selected.filter((s) => s.status === 'applied').map((s) => s.input);
  };
}
