import type { RejectedRecord } from '../../domain/customer-record.js';
import type { ConnectorPage, StagedFragment } from '../connector.js';
import { InputError } from '../input-error.js';
import type { RecordMapper } from '../record-mapping/map-record.js';
import { recordValidator } from './record-validator.js';
import type { SourceEvent } from './source-events.js';

/** Options for {@link sourceRecordPages}. */
export interface SourceRecordPagesOptions {
  /** What read (`stream users`): the origin of every reject. */
  origin: string;
  /** The connector and its source, for errors ("connector crm (airbyte source source-faker)"). */
  label: string;
  mapper: RecordMapper;
  /** The stream's JSON schema from discovery; a schema the source sends with its records replaces it. */
  schema?: Record<string, unknown>;
  pageSize: number;
  /** Resume: records at or before this position were staged before (the read is run again and they are skipped). */
  after?: number;
}

/** Characters of a rejected record kept with the reject. */
const RAW_KEPT = 2_000;
/** Lines quoted when a source wrote nothing but lines that are no message. */
const GARBAGE_QUOTED = 3;

/**
 * A source's events as connector pages: each record checked against the stream's schema and
 * mapped, or rejected naming its position, external id (when it has one) and why; a line that
 * is no message is rejected too. The last page carries the source's last state as the input's
 * `nextCursor`. A source that wrote lines but no record, schema or state fails, quoting them.
 */
export async function* sourceRecordPages(events: AsyncIterable<SourceEvent>, options: SourceRecordPagesOptions): AsyncGenerator<ConnectorPage> {
  let validator = recordValidator(options.schema);
  const after = options.after ?? 0;
  let fragments: StagedFragment[] = [];
  let rejects: RejectedRecord[] = [];
  let read = 0;
  let position = after;
  let state: string | undefined;
  let messages = 0;
  const garbage: string[] = [];
  const warnings: string[] = validator.problem ? [validator.problem] : [];
  const page = (): ConnectorPage => {
    const done = { fragments, rejects, read, cursor: String(position), ...(warnings.length > 0 ? { warnings: warnings.splice(0) } : {}) };
    fragments = [];
    rejects = [];
    read = 0;
    return done;
  };

  for await (const event of events) {
    if (event.kind === 'state') {
      messages++;
      state = event.state;
      continue;
    }
    if (event.kind === 'schema') {
      messages++;
      validator = recordValidator(event.schema);
      if (validator.problem) warnings.push(validator.problem);
      continue;
    }
    if (event.position <= after) continue;
    position = event.position;
    read++;
    if (event.kind === 'garbage') {
      if (garbage.length < GARBAGE_QUOTED) garbage.push(event.line.slice(0, 200));
      rejects.push({ source: options.origin, line: event.position, reason: `line ${event.position} of the source's output is ${event.reason}`, raw: event.line.slice(0, RAW_KEPT) });
    } else {
      messages++;
      const problem = validator.validate(event.data);
      const mapped = options.mapper(event.data);
      // A record the mapping skips is not about a customer of it: neither staged nor rejected.
      if (!mapped.ok && mapped.skipped) continue;
      // What the stream's schema refuses is said first; only a record it takes can fail the mapping alone.
      const why = problem !== undefined ? { reason: `the record ${problem}` } : mapped.ok ? undefined : { field: mapped.field, reason: `the mapping cannot map it: ${mapped.reason}` };
      if (why === undefined && mapped.ok) fragments.push({ seq: event.position, record: mapped.record });
      else {
        const externalId = mapped.ok ? mapped.record.externalId : mapped.externalId;
        rejects.push({
          source: options.origin,
          line: event.position,
          ...(externalId !== undefined ? { externalId } : {}),
          ...why!,
          raw: JSON.stringify(event.data).slice(0, RAW_KEPT),
        });
      }
    }
    if (fragments.length + rejects.length >= options.pageSize) yield page();
  }
  if (messages === 0 && garbage.length > 0) {
    throw new InputError(`${options.label} wrote no protocol message, only lines like these:\n${garbage.join('\n')}`);
  }
  yield { ...page(), ...(state !== undefined ? { nextCursor: state } : {}) };
}
