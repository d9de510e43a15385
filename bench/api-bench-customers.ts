/** The customers `npm run bench:api` stores: customer `i` as an import-layout CSV row and as the same record in JSON. */

export const BENCH_CSV_HEADER = 'source_id,type,first_name,last_name,company_name,email,phone,address_line1,address_city,address_zip,address_country,vat_number';

export function benchCustomer(i: number): { code: string; csv: string; record: Record<string, unknown> } {
  const company = i % 3 === 0;
  const code = `API${String(i).padStart(7, '0')}`;
  const email = `customer${i}@bench.example`;
  const phone = `+47${String(40_000_000 + i)}`;
  const vat = `NO${900_000_000 + i}`;
  const csv = [code, company ? 'COMPANY' : 'PERSON', company ? '' : `First${i}`, company ? '' : `Last${i}`, company ? `Company ${i} AS` : '', email, phone, `Street ${i}`, 'Oslo', '0150', 'NO', company ? vat : ''];
  const record = {
    externalId: code,
    type: company ? 'COMPANY' : 'PERSON',
    name: company ? { companyName: `Company ${i} AS` } : { firstName: `First${i}`, lastName: `Last${i}` },
    customerContactDetails: [
      { kind: 'email', value: email },
      { kind: 'phone', value: phone },
    ],
    addresses: [{ code: 'main', type: 'billing', line1: `Street ${i}`, city: 'Oslo', zip: '0150', country: 'NO' }],
    customerAttributes: company ? [{ key: 'vatNumber', value: vat }] : [],
  };
  return { code, csv: csv.join(','), record };
}
