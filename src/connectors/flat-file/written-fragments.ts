import type { CustomerRecord } from '../../domain/customer-record.js';
import { jsonTextMayBeUnstorable } from '../../domain/storable-values.js';
import { recordTextAndHash } from '../../merge/index.js';
import type { StagedFragment, WrittenRecord } from '../connector.js';

/** A fragment as it crosses from the mapping thread: written (text and hash), or, when a value may not be storable, as its record. */
export interface WireFragment {
  seq: number;
  sourceHash?: string;
  written?: WrittenRecord;
  record?: CustomerRecord;
}

/**
 * Writes a fragment's record as its jsonb text and hash; a record with a value jsonb has no text
 * for, or one that may not be storable, is left as it is for the stage step to name.
 */
export function writeFragment({ seq, record, sourceHash }: StagedFragment): WireFragment {
  const head = sourceHash === undefined ? { seq } : { seq, sourceHash };
  let written: { text: string; hash: string } | undefined;
  try {
    written = recordTextAndHash(record);
  } catch {
    // A non-finite number: the stage step names it.
  }
  if (written === undefined || jsonTextMayBeUnstorable(written.text)) return { ...head, record };
  const { externalId, customerId } = record;
  return { ...head, written: { externalId, ...(customerId === undefined ? {} : { customerId }), ...written } };
}

/** Fragments from the wire: a written one's record is read from its text only when asked for. */
export function fragmentsFromWire(wire: readonly WireFragment[]): StagedFragment[] {
  return wire.map((f) => {
    if (f.written === undefined) return f as StagedFragment;
    const { written } = f;
    let record: CustomerRecord | undefined;
    return Object.defineProperty(f, 'record', {
      enumerable: true,
      get: () => (record ??= JSON.parse(written.text) as CustomerRecord),
    }) as StagedFragment;
  });
}
