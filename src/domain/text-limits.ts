/**
 * The longest text each kind of customer value may be, in UTF-16 code units (as JavaScript and
 * JSON Schema's `maxLength` count): at most 3 bytes of UTF-8 each, so that whatever is accepted
 * also fits the database's indexes (a btree index row holds ~2,700 bytes: an item's key is made
 * of several of these values, and an attribute is indexed by its key and value together).
 */
export const TEXT_LIMITS = {
  /** External ids, source ids, codes, item ids, attribute keys. */
  identifier: 100,
  /** An address's or contact person's key, as other items name it (`addressKey`, `contactKey`). */
  itemReference: 300,
  /** First and last names, city, state, country, a contact detail's kind, a content type. */
  short: 100,
  /** Postal codes. */
  zip: 50,
  /** Display and company names, full names, address lines, attachment names and checksums. */
  long: 200,
  /** Email addresses (RFC 5321: 254) and phone numbers. */
  email: 254,
  /** A contact detail's value. */
  contactValue: 400,
  /** An attribute's text value, and each text of a list value. */
  attributeText: 500,
  /** An attachment's URL. */
  url: 800,
} as const;

/** An attribute value as stored (JSON, UTF-8) may take at most this many bytes: key and value share one index row. */
export const ATTRIBUTE_VALUE_MAX_BYTES = 1_800;

/** The most items one list attribute value may hold. */
export const ATTRIBUTE_LIST_MAX_ITEMS = 50;

/** How deeply a JSON body may nest objects and arrays (a customer record nests 4 deep). */
export const JSON_MAX_DEPTH = 32;
