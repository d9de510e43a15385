import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { DuplicateKeyKind } from '../domain/duplicate-settings.js';
import { normalizeEmail } from './item-key.js';
import type { MergedCustomer } from './merged-customer.js';

/** A key a customer can share with another: `kind` and its normalized `value`. */
export interface MatchKey {
  kind: DuplicateKeyKind;
  value: string;
}

/** Contact detail kinds that hold a phone number (a fax is no hint of the same customer). */
const PHONE_KINDS: ReadonlySet<string> = new Set(['phone', 'mobile', 'telephone', 'tel', 'cell']);

/** Attributes that hold a VAT or company registration number. */
const VAT_ATTRIBUTES: ReadonlySet<string> = new Set(['vatNumber', 'companyNumber', 'organizationNumber']);

/** Words of a company name that say its legal form, not who it is. */
const LEGAL_FORMS: ReadonlySet<string> = new Set([
  'ab', 'ag', 'as', 'asa', 'bv', 'co', 'company', 'corp', 'corporation', 'gmbh', 'inc', 'kg', 'limited', 'llc', 'ltd',
  'nv', 'ohg', 'oy', 'oyj', 'plc', 'sa', 'sarl', 'sas', 'spa', 'srl', 'the', 'ug',
]);

/** Letters of a name's key that pick its block among the customers of one place. */
const BLOCK_PREFIX = 2;

/**
 * A name as compared: accents, case, punctuation and legal forms dropped, words sorted
 * (`Berg, Anna` and `Anna Berg`, `ACME GmbH` and `Acme`, are the same key).
 */
export function nameKey(name: MergedCustomer['name']): string {
  const value = name?.value;
  if (!value) return '';
  const text = value.companyName ?? ([value.firstName, value.lastName].filter(Boolean).join(' ') || value.displayName || '');
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0 && !LEGAL_FORMS.has(word))
    .sort()
    .join(' ');
}

/**
 * A VAT or company number as compared: letters and digits only, upper case, without a leading
 * country code or a trailing tax word (`NO 999 888 777 MVA` and `999888777` are one number).
 */
export function cleanVatNumber(value: string): string {
  return value.toUpperCase().replace(/[^A-Z0-9]+/g, '').replace(/^[A-Z]{2}(?=\d)/, '').replace(/(?<=\d)(MVA|MWST|TVA|IVA|VAT|BTW)$/, '');
}

/** A phone number in E.164 (`+4930123456`), read in the customer's country when it has no `+`; undefined when it is no possible number. */
export function phoneE164(value: string, country: string | undefined): string | undefined {
  const defaultCountry = country && /^[A-Za-z]{2}$/.test(country) ? (country.toUpperCase() as CountryCode) : undefined;
  const phone = parsePhoneNumberFromString(value, defaultCountry);
  return phone?.isPossible() ? phone.number : undefined;
}

/** Where a customer is, as compared: its zip in its country, or its city when it has no zip. */
function placeKeys(customer: MergedCustomer): string[] {
  const places = customer.items.addresses.map(({ value }) => {
    const country = (value.country ?? '').trim().toUpperCase();
    const zip = value.zip?.toUpperCase().replace(/[^A-Z0-9]+/g, '');
    if (zip) return `zip:${country}:${zip}`;
    const city = value.city?.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
    return city ? `city:${country}:${city}` : undefined;
  });
  return places.filter((place): place is string => place !== undefined);
}

/** The country of a customer's first address that names one. */
function countryOf(customer: MergedCustomer): string | undefined {
  return customer.items.addresses.find(({ value }) => value.country)?.value.country?.trim();
}

/** Every contact detail of a customer: its own, its addresses' and its contact persons'. */
function contactDetailsOf(customer: MergedCustomer): { kind: string; value: string }[] {
  const { customerContactDetails, addressContactDetails, contactPersonContactDetails, contactPersons } = customer.items;
  return [
    ...customerContactDetails.map(({ value }) => value),
    ...addressContactDetails.map(({ value }) => value),
    ...contactPersonContactDetails.map(({ value }) => value),
    ...contactPersons.flatMap(({ value }) => [
      ...(value.email ? [{ kind: 'email', value: value.email }] : []),
      ...(value.phone ? [{ kind: 'phone', value: value.phone }] : []),
    ]),
  ];
}

const KEYS_OF: { [K in DuplicateKeyKind]: (customer: MergedCustomer) => string[] } = {
  email: (customer) => contactDetailsOf(customer).filter((d) => d.kind.trim().toLowerCase() === 'email').map((d) => normalizeEmail(d.value)),
  vat: (customer) =>
    customer.items.customerAttributes
      .filter(({ value }) => VAT_ATTRIBUTES.has(value.key) && (typeof value.value === 'string' || typeof value.value === 'number'))
      .map(({ value }) => cleanVatNumber(String(value.value))),
  phone: (customer) => {
    const country = countryOf(customer);
    return contactDetailsOf(customer)
      .filter((d) => PHONE_KINDS.has(d.kind.trim().toLowerCase()))
      .map((d) => phoneE164(d.value, country))
      .filter((phone): phone is string => phone !== undefined);
  },
  name: (customer) => {
    const key = nameKey(customer.name);
    return key.length === 0 ? [] : placeKeys(customer).map((place) => `${place}|${key.slice(0, BLOCK_PREFIX)}`);
  },
};

/** Longer values are no key (and would not fit an index row). */
const MAX_KEY_LENGTH = 320;

/**
 * The keys of `kinds` a customer has, each once: its emails and phones in E.164 (its own, its
 * addresses' and its contact persons'), its VAT numbers and,
 * for names, a block (its place and the first letters of its name's key) within which names are
 * compared. Values too short to tell customers apart are left out.
 */
export function customerMatchKeys(customer: MergedCustomer, kinds: readonly DuplicateKeyKind[]): MatchKey[] {
  const keys = new Map<string, MatchKey>();
  for (const kind of kinds) {
    for (const value of KEYS_OF[kind](customer)) {
      if (value.length < 3 || value.length > MAX_KEY_LENGTH) continue;
      keys.set(`${kind}\u0000${value}`, { kind, value });
    }
  }
  return [...keys.values()];
}
