import { join } from 'node:path';
import { startLocalOms, type LocalOms } from '../../src/tooling/local-oms.js';
import { inboxWith, SHARED_DATA, SNAPSHOT } from './sample-data.js';

export const OMS_ASPECTS = ['name', 'contactPersons', 'addresses', 'customerAttributes', 'customerContactDetails'];
export const ERP_ASPECTS = ['name', 'contactPersons', 'addresses', 'customerAttributes', 'customerContactDetails', 'addressContactDetails'];

/**
 * A local OMS that has the ERP sample's C1001 (Acme Boutique: buyer jane.roe@acme.example, shop
 * phone +1 212 555 0101, zip 10010) as B-200: the email in another case, the phone in another format.
 */
export async function startOmsWithAcme(): Promise<LocalOms> {
  const oms = await startLocalOms();
  oms.businessCustomers.set('B-200', {
    customerId: 'B-200',
    name: 'ACME Boutique Inc.',
    email: 'Jane.Roe@Acme.Example',
    phone: '(212) 555-0101',
    address: { line1: '12 Madison Ave', city: 'New York', postalCode: '10010', countryCode: 'US' },
  });
  return oms;
}

/**
 * Connectors `erp` (the sample snapshot) and `oms`, and a flow of each source checking every
 * kind of duplicate key; `flows` settings are laid over each flow's (its `duplicates`, `pushTo`).
 */
export function erpAndOmsConfig(oms: Pick<LocalOms, 'baseUrl'>, flows: { erp?: Record<string, unknown>; oms?: Record<string, unknown> } = {}) {
  return {
    connectors: {
      erp: { type: 'flat-file', folder: inboxWith(SNAPSHOT), referenceData: join(SHARED_DATA, 'reference-data.json') },
      oms: { type: 'oms', baseUrl: oms.baseUrl },
    },
    flows: {
      erp: { source: { type: 'connector', connector: 'erp', aspects: ERP_ASPECTS }, schedule: false, duplicates: {}, ...flows.erp },
      oms: { source: { type: 'connector', connector: 'oms', aspects: OMS_ASPECTS }, schedule: false, duplicates: {}, ...flows.oms },
    },
  };
}
