import type { CustomerRecord } from '../domain/customer-record.js';
import { normalizeEmail } from '../merge/index.js';

/** The value an enrichment record is matched by, per the step's `matchBy`; undefined when the record has none. */
export function matchKeyOf(record: CustomerRecord, matchBy: string): string | undefined {
  switch (matchBy) {
    case 'sourceId':
    case 'externalId':
      return record.externalId;
    case 'email': {
      const email = record.customerContactDetails?.find((d) => d.kind === 'email')?.value;
      return email ? normalizeEmail(email) : undefined;
    }
    case 'vatNumber':
      return attributeText(record, 'vatNumber');
    default:
      return matchBy.startsWith('attribute:') ? attributeText(record, matchBy.slice('attribute:'.length)) : undefined;
  }
}

function attributeText(record: CustomerRecord, key: string): string | undefined {
  const value = record.customerAttributes?.find((a) => a.key === key)?.value;
  return value === undefined || Array.isArray(value) ? undefined : String(value);
}
