import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import type { JsonlFileConnectorConfig } from './jsonl-file-config.js';
import { customerRecordSchema } from '../../domain/customer-record-schema.js';
import type { CustomerRecord, RejectedRecord } from '../../domain/customer-record.js';
import type { Connector, ConnectorInput, ConnectorPage, ReadOptions, StagedFragment } from '../connector.js';
import { fileChecksum } from '../file-checksum.js';
import { InputError } from '../input-error.js';

/**
 * Reads a JSON-lines file: one customer record per line, keyed by `externalId`.
 * The whole file is read every run (it is a snapshot of the other system). Can look
 * one customer up, so deletions of customers it sourced are confirmed by a lookup.
 */
export function createJsonlFileConnector(name: string, config: JsonlFileConnectorConfig): Connector {
  return {
    name,
    type: 'jsonl-file',
    consumesInputs: false,
    async listInputs(): Promise<ConnectorInput[]> {
      let size: number;
      try {
        size = (await stat(config.path)).size;
      } catch {
        throw new InputError(`connector ${name}: file ${config.path} does not exist`);
      }
      return [{ name: basename(config.path), checksum: await fileChecksum(config.path), size, kind: config.kind }];
    },
    async *read(input: ConnectorInput, options: ReadOptions): AsyncIterable<ConnectorPage> {
      const skip = options.cursor ? Number(options.cursor) : 0;
      const lines = createInterface({ input: createReadStream(config.path, 'utf8'), crlfDelay: Infinity });
      let line = 0;
      let fragments: StagedFragment[] = [];
      let rejects: RejectedRecord[] = [];
      let read = 0;
      for await (const text of lines) {
        line++;
        if (line <= skip || text.trim() === '') continue;
        read++;
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch (error) {
          rejects.push({ source: input.name, line, reason: `not valid JSON: ${(error as Error).message}`, raw: text });
          continue;
        }
        const parsed = customerRecordSchema.safeParse(json);
        if (parsed.success) {
          fragments.push({ seq: line, record: parsed.data });
        } else {
          const issue = parsed.error.issues[0];
          const externalId = (json as { externalId?: unknown })?.externalId;
          rejects.push({
            source: input.name,
            line,
            externalId: typeof externalId === 'string' ? externalId : undefined,
            field: issue?.path.join('.'),
            reason: z.prettifyError(parsed.error).replace(/\n\s*/g, '; '),
            raw: text,
          });
        }
        if (fragments.length >= options.pageSize) {
          yield { fragments, rejects, read, cursor: String(line) };
          fragments = [];
          rejects = [];
          read = 0;
        }
      }
      yield { fragments, rejects, read, cursor: String(line) };
    },
    async lookup(externalId: string): Promise<CustomerRecord | undefined> {
      const lines = createInterface({ input: createReadStream(config.path, 'utf8'), crlfDelay: Infinity });
      for await (const text of lines) {
        if (!text.includes(externalId)) continue;
        let json: { externalId?: unknown } | null;
        try {
          json = JSON.parse(text) as { externalId?: unknown } | null;
        } catch {
          continue; // A line that is not JSON names no customer.
        }
        if (json?.externalId !== externalId) continue;
        lines.close();
        const parsed = customerRecordSchema.safeParse(json);
        if (!parsed.success) {
          throw new InputError(`connector ${name}: customer ${externalId}: ${z.prettifyError(parsed.error).replace(/\n\s*/g, '; ')}`);
        }
        return parsed.data;
      }
      return undefined;
    },
  };
}
