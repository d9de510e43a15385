import { join } from 'node:path';
import type { LocalOms } from '../../src/tooling/local-oms.js';
import { inboxWith, SHARED_DATA, SNAPSHOT } from './sample-data.js';

export const OMS_ASPECTS = ['name', 'contactPersons', 'addresses', 'customerAttributes', 'customerContactDetails'];
export const ERP_ASPECTS = ['name', 'contactPersons', 'addresses', 'customerAttributes', 'customerContactDetails', 'addressContactDetails'];

/**
 * The ERP sample's C1001 (Acme Boutique: buyer jane.roe@acme.example, shop phone +1 212 555 0101,
 * zip 10010) as the OMS knows it, as B-200: the email in another case, the phone in another format.
 */
export function addAcmeToOms(oms: LocalOms): void {
  oms.businessCustomers.set('B-200', {
    customerId: 'B-200',
    name: 'ACME Boutique Inc.',
    email: 'Jane.Roe@Acme.Example',
    phone: '(212) 555-0101',
    address: { line1: '12 Madison Ave', city: 'New York', postalCode: '10010', countryCode: 'US' },
  });
}

/** Connectors `erp` (the sample snapshot) and `oms`, and a flow of each source checking duplicates by `keys` (default every kind). */
export function erpAndOmsConfig(oms: Pick<LocalOms, 'baseUrl'>, omsKeys?: string[]) {
  return {
    connectors: {
      erp: { type: 'flat-file', folder: inboxWith(SNAPSHOT), referenceData: join(SHARED_DATA, 'reference-data.json') },
      oms: { type: 'oms', baseUrl: oms.baseUrl },
    },
    flows: {
      erp: { source: { type: 'connector', connector: 'erp', aspects: ERP_ASPECTS }, schedule: false, duplicates: {} },
      oms: { source: { type: 'connector', connector: 'oms', aspects: OMS_ASPECTS }, schedule: false, duplicates: omsKeys ? { keys: omsKeys } : {} },
    },
  };
}
