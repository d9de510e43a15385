import type { RecordMapping } from './record-mapping-schema.js';

/**
 * Mappings of the customer objects of common systems, as their Airbyte sources and Singer taps
 * emit them (field names as in the streams' schemas; see docs/connectors/). A connector names
 * one as `mapping: { preset: <name> }` and reads the stream the preset is for.
 */
export const MAPPING_PRESETS = {
  /** HubSpot `contacts`: people, related to their primary company. */
  'hubspot-contacts': {
    stream: 'contacts',
    mapping: {
      externalId: { path: 'id', transform: ['string'] },
      type: 'PERSON',
      name: { firstName: 'properties.firstname', lastName: 'properties.lastname' },
      addresses: [
        {
          type: { const: 'other' },
          line1: 'properties.address',
          city: 'properties.city',
          state: 'properties.state',
          zip: 'properties.zip',
          country: 'properties.country',
        },
      ],
      contactDetails: [
        { kind: 'email', value: { path: 'properties.email', transform: ['trim', 'lower'] } },
        { kind: 'phone', value: 'properties.phone' },
        { kind: 'mobile', value: 'properties.mobilephone' },
      ],
      attributes: { jobTitle: 'properties.jobtitle', lifecycleStage: 'properties.lifecyclestage' },
      // The source lists a contact's associated companies; the first is its company.
      relations: { parentExternalId: 'companies.0' },
    },
  },
  /**
   * HubSpot `contacts` as the contact persons of their first associated company: an enrichment
   * of the companies (`matchBy: sourceId`); a contact without a company is skipped.
   */
  'hubspot-company-contacts': {
    stream: 'contacts',
    mapping: {
      skipUnless: 'companies.0',
      externalId: { path: 'companies.0', transform: ['string'] },
      contactPersons: [
        {
          id: { path: 'id', transform: ['string'] },
          firstName: 'properties.firstname',
          lastName: 'properties.lastname',
          email: { path: 'properties.email', transform: ['trim', 'lower'] },
          phone: 'properties.phone',
        },
      ],
    },
  },
  /** HubSpot `companies`. */
  'hubspot-companies': {
    stream: 'companies',
    mapping: {
      externalId: { path: 'id', transform: ['string'] },
      type: 'COMPANY',
      name: { companyName: 'properties.name' },
      addresses: [
        {
          type: { const: 'billing' },
          line1: 'properties.address',
          line2: 'properties.address2',
          city: 'properties.city',
          state: 'properties.state',
          zip: 'properties.zip',
          country: 'properties.country',
        },
      ],
      contactDetails: [
        { kind: 'phone', value: 'properties.phone' },
        { kind: 'website', value: 'properties.website' },
      ],
      attributes: { domain: 'properties.domain', industry: 'properties.industry' },
    },
  },
  /** Salesforce `Account`: companies with billing and shipping addresses. */
  'salesforce-accounts': {
    stream: 'Account',
    mapping: {
      externalId: 'Id',
      type: 'COMPANY',
      name: { companyName: 'Name' },
      addresses: [
        { type: { const: 'billing' }, line1: 'BillingStreet', city: 'BillingCity', state: 'BillingState', zip: 'BillingPostalCode', country: 'BillingCountry' },
        { type: { const: 'shipping' }, line1: 'ShippingStreet', city: 'ShippingCity', state: 'ShippingState', zip: 'ShippingPostalCode', country: 'ShippingCountry' },
      ],
      contactDetails: [
        { kind: 'phone', value: 'Phone' },
        { kind: 'website', value: 'Website' },
      ],
      attributes: { industry: 'Industry', accountNumber: 'AccountNumber' },
      relations: { parentExternalId: 'ParentId' },
    },
  },
  /** Salesforce `Contact`: people, related to their account. */
  'salesforce-contacts': {
    stream: 'Contact',
    mapping: {
      externalId: 'Id',
      type: 'PERSON',
      name: { firstName: 'FirstName', lastName: 'LastName' },
      addresses: [{ type: { const: 'other' }, line1: 'MailingStreet', city: 'MailingCity', state: 'MailingState', zip: 'MailingPostalCode', country: 'MailingCountry' }],
      contactDetails: [
        { kind: 'email', value: { path: 'Email', transform: ['trim', 'lower'] } },
        { kind: 'phone', value: 'Phone' },
        { kind: 'mobile', value: 'MobilePhone' },
      ],
      attributes: { title: 'Title' },
      relations: { parentExternalId: 'AccountId' },
    },
  },
  /** Shopify `customers`: people with every address of their address book. */
  'shopify-customers': {
    stream: 'customers',
    mapping: {
      externalId: { path: 'id', transform: ['string'] },
      type: 'PERSON',
      name: { firstName: 'first_name', lastName: 'last_name' },
      addresses: [
        {
          from: 'addresses',
          code: { path: 'id', transform: ['string'] },
          type: { const: 'shipping' },
          name: 'company',
          line1: 'address1',
          line2: 'address2',
          city: 'city',
          state: 'province_code',
          zip: 'zip',
          country: 'country_code',
        },
      ],
      contactDetails: [
        { kind: 'email', value: { path: 'email', transform: ['trim', 'lower'] } },
        { kind: 'phone', value: 'phone' },
      ],
      attributes: { tags: 'tags', state: 'state', note: 'note' },
    },
  },
  /** Stripe `customers`: people with their billing and shipping address. */
  'stripe-customers': {
    stream: 'customers',
    mapping: {
      externalId: 'id',
      type: 'PERSON',
      name: { displayName: 'name' },
      addresses: [
        { type: { const: 'billing' }, line1: 'address.line1', line2: 'address.line2', city: 'address.city', state: 'address.state', zip: 'address.postal_code', country: 'address.country' },
        {
          type: { const: 'shipping' },
          name: 'shipping.name',
          line1: 'shipping.address.line1',
          line2: 'shipping.address.line2',
          city: 'shipping.address.city',
          state: 'shipping.address.state',
          zip: 'shipping.address.postal_code',
          country: 'shipping.address.country',
        },
      ],
      contactDetails: [
        { kind: 'email', value: { path: 'email', transform: ['trim', 'lower'] } },
        { kind: 'phone', value: 'phone' },
      ],
      attributes: { description: 'description', currency: 'currency' },
    },
  },
} as const satisfies Record<string, { stream: string; mapping: RecordMapping }>;

export type MappingPresetName = keyof typeof MAPPING_PRESETS;
export const MAPPING_PRESET_NAMES = Object.keys(MAPPING_PRESETS) as [MappingPresetName, ...MappingPresetName[]];

/** The mapping a connector configured: its own, or the preset's. */
export function mappingOf(mapping: RecordMapping | { preset: MappingPresetName }): RecordMapping {
  return 'preset' in mapping ? MAPPING_PRESETS[mapping.preset].mapping : mapping;
}
