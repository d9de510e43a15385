import { OperationError } from '../../domain/operation-error.js';
import type { ApiWriter } from './api-writer.js';

/** Refuses a writer writing as another connector than its own system (admin tokens may). */
export function requireWritesAs(writer: ApiWriter, connector: string): void {
  if (connector !== writer.system && !writer.admin) {
    throw new OperationError(
      'forbidden',
      `token ${writer.token} writes as system "${writer.system}", not as connector "${connector}": use /api/v1/customers/${writer.system}/… or an admin token`,
    );
  }
}
