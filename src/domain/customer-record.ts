/**
 * The canonical shape every connector produces and the merge engine consumes.
 * A record carries only the aspects its connector knows; an absent aspect means
 * "this connector says nothing about it", an empty array means "it has none".
 */

export type CustomerType = 'PERSON' | 'COMPANY';

export const ASPECTS = [
  'name',
  'contactPersons',
  'addresses',
  'customerAttributes',
  'addressAttributes',
  'contactPersonAttributes',
  'customerContactDetails',
  'addressContactDetails',
  'contactPersonContactDetails',
  'attachments',
  'relations',
] as const;

export type Aspect = (typeof ASPECTS)[number];

/** Aspects where the last step of the flow that supplied them wins. */
export const LATEST_CONNECTOR_ASPECTS = ['name', 'relations'] as const satisfies readonly Aspect[];
export type LatestConnectorAspect = (typeof LATEST_CONNECTOR_ASPECTS)[number];

/** Aspects whose items from all steps are combined by identity. */
export const MULTIPLE_ASPECTS = [
  'contactPersons',
  'addresses',
  'customerAttributes',
  'addressAttributes',
  'contactPersonAttributes',
  'customerContactDetails',
  'addressContactDetails',
  'contactPersonContactDetails',
  'attachments',
] as const satisfies readonly Aspect[];
export type MultipleAspect = (typeof MULTIPLE_ASPECTS)[number];

export interface CustomerName {
  firstName?: string;
  lastName?: string;
  displayName?: string;
  companyName?: string;
}

export type AddressType = 'billing' | 'shipping' | 'other';

export interface Address {
  /** Connector-given code; the item's identity when present. */
  code?: string;
  type: AddressType;
  name?: string;
  line1?: string;
  line2?: string;
  city?: string;
  state?: string;
  zip?: string;
  country?: string;
}

export interface ContactPerson {
  /** Connector-given id; the item's identity when present, else the normalized email. */
  id?: string;
  firstName?: string;
  lastName?: string;
  fullName?: string;
  email?: string;
  phone?: string;
}

export type AttributeValue = string | number | boolean | string[];

export interface Attribute {
  key: string;
  value: AttributeValue;
}

export interface ContactDetail {
  /** email, phone, mobile, website, fax, … */
  kind: string;
  value: string;
}

/** An attribute that belongs to one address, referenced by the address's identity. */
export interface AddressAttribute extends Attribute {
  addressKey: string;
}
export interface ContactPersonAttribute extends Attribute {
  contactKey: string;
}
export interface AddressContactDetail extends ContactDetail {
  addressKey: string;
}
export interface ContactPersonContactDetail extends ContactDetail {
  contactKey: string;
}

export interface Attachment {
  name?: string;
  contentType?: string;
  url?: string;
  checksum?: string;
}

export type RelationType = 'Parent' | 'SubDepartment';

export interface Relation {
  /** External id (in the supplying connector) of the parent company; absent when the customer has none. */
  parentExternalId?: string;
  relationType?: RelationType;
  /**
   * External ids (in the supplying connector) of the companies this one names as its
   * sub-departments, for systems that list relations on the parent: each is linked to it
   * as if it named this company its parent (unless it names a parent itself).
   */
  subDepartmentExternalIds?: string[];
}

export interface AspectValues {
  name: CustomerName;
  contactPersons: ContactPerson[];
  addresses: Address[];
  customerAttributes: Attribute[];
  addressAttributes: AddressAttribute[];
  contactPersonAttributes: ContactPersonAttribute[];
  customerContactDetails: ContactDetail[];
  addressContactDetails: AddressContactDetail[];
  contactPersonContactDetails: ContactPersonContactDetail[];
  attachments: Attachment[];
  relations: Relation;
}

export type MultipleAspectItem<A extends MultipleAspect> = AspectValues[A][number];

/** One customer as one connector reports it. */
export type CustomerRecord = {
  /** The customer's id in the supplying connector. */
  externalId: string;
  /** Required from a source step (it creates customers); enrichment connectors may leave it out. */
  type?: CustomerType;
  /**
   * The platform customer the record says it is about (bulk imports). Its source id must be
   * this record's external id at this connector: a record that would change it is rejected.
   */
  customerId?: string;
  /**
   * When the source last changed the customer (ISO 8601), when it says: what survivorship's
   * `mostRecent` compares, instead of the time the run merged the value.
   */
  changedAt?: string;
} & Partial<AspectValues>;

/** A record the connector could not accept, with where and why. */
export interface RejectedRecord {
  /** File name, URL or other origin of the record. */
  source: string;
  /** 1-based line (or position) of the record in its source. */
  line: number;
  externalId?: string;
  field?: string;
  reason: string;
  raw?: string;
}
