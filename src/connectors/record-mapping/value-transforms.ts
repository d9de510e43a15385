/**
 * What a mapping may do to a value on its way into a customer record, one step after another
 * (`transform: [trim, lower]`). A step given a value it cannot work on (a number to `lower`,
 * say) leaves it as it is: the record schema then says what is wrong with it.
 */
export const VALUE_TRANSFORMS = {
  /** Text with surrounding white space removed. */
  trim: (value) => (typeof value === 'string' ? value.trim() : value),
  lower: (value) => (typeof value === 'string' ? value.toLowerCase() : value),
  upper: (value) => (typeof value === 'string' ? value.toUpperCase() : value),
  /** Numbers and booleans as text (ids that a source sends as numbers). */
  string: (value) => (typeof value === 'number' || typeof value === 'boolean' ? String(value) : value),
  /** Only the digits and a leading `+` (phone numbers written with spaces, dots or dashes). */
  digits: (value) => (typeof value === 'string' ? `${value.trim().startsWith('+') ? '+' : ''}${value.replace(/\D+/g, '')}` : value),
} as const satisfies Record<string, (value: unknown) => unknown>;

export type ValueTransform = keyof typeof VALUE_TRANSFORMS;

export const VALUE_TRANSFORM_NAMES = Object.keys(VALUE_TRANSFORMS) as [ValueTransform, ...ValueTransform[]];
