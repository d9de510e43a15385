import type {
  Address,
  Attachment,
  Attribute,
  ContactDetail,
  ContactPerson,
  MultipleAspect,
  MultipleAspectItem,
} from '../domain/customer-record.js';
import { canonicalJson } from './content-hash.js';

const PHONE_KINDS: ReadonlySet<string> = new Set(['phone', 'mobile', 'fax', 'telephone', 'tel', 'cell']);

/** Normalized form of an email address: trimmed and lowercased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Normalized form of a phone number: its digits, preceded by `+` when the number starts with one. */
export function normalizePhone(phone: string): string {
  const trimmed = phone.trim();
  const digits = trimmed.replace(/\D+/g, '');
  return trimmed.startsWith('+') ? `+${digits}` : digits;
}

/** Normalized form of a contact detail's value, by its kind (emails, phone-like numbers, anything else). */
export function normalizeContactValue(kind: string, value: string): string {
  const normalizedKind = normalizeText(kind);
  if (normalizedKind === 'email') return normalizeEmail(value);
  if (PHONE_KINDS.has(normalizedKind)) return normalizePhone(value);
  return normalizeText(value);
}

/**
 * The identity of an item within its aspect (SPEC §1). Two items with the same key
 * are the same item: a later supplier's value overwrites an earlier one's.
 */
export function itemKey<A extends MultipleAspect>(aspect: A, item: MultipleAspectItem<A>): string;
export function itemKey(aspect: MultipleAspect, item: unknown): string {
  switch (aspect) {
    case 'contactPersons':
      return contactPersonKey(item as ContactPerson);
    case 'addresses':
      return addressKey(item as Address);
    case 'customerAttributes':
      return (item as Attribute).key;
    case 'addressAttributes': {
      const attribute = item as Attribute & { addressKey: string };
      return `${attribute.addressKey}|${attribute.key}`;
    }
    case 'contactPersonAttributes': {
      const attribute = item as Attribute & { contactKey: string };
      return `${attribute.contactKey}|${attribute.key}`;
    }
    case 'customerContactDetails':
      return contactDetailKey(item as ContactDetail);
    case 'addressContactDetails': {
      const detail = item as ContactDetail & { addressKey: string };
      return `${detail.addressKey}|${contactDetailKey(detail)}`;
    }
    case 'contactPersonContactDetails': {
      const detail = item as ContactDetail & { contactKey: string };
      return `${detail.contactKey}|${contactDetailKey(detail)}`;
    }
    case 'attachments':
      return attachmentKey(item as Attachment);
  }
}

function contactPersonKey(person: ContactPerson): string {
  const id = person.id?.trim();
  if (id) return `id:${id}`;
  const email = person.email === undefined ? '' : normalizeEmail(person.email);
  if (email) return `email:${email}`;
  const fullName = normalizeText(person.fullName ?? `${person.firstName ?? ''} ${person.lastName ?? ''}`);
  if (fullName) return `name:${fullName}`;
  const phone = person.phone === undefined ? '' : normalizePhone(person.phone);
  if (phone) return `phone:${phone}`;
  return `value:${canonicalJson(person)}`;
}

function addressKey(address: Address): string {
  const code = address.code?.trim();
  if (code) return `code:${code}`;
  const parts = [address.type, address.line1, address.line2, address.city, address.state, address.zip, address.country];
  return `addr:${parts.map((part) => normalizeText(part ?? '')).join('|')}`;
}

function contactDetailKey(detail: ContactDetail): string {
  return `${normalizeText(detail.kind)}|${normalizeContactValue(detail.kind, detail.value)}`;
}

function attachmentKey(attachment: Attachment): string {
  if (attachment.name) return `name:${attachment.name}`;
  if (attachment.checksum) return `checksum:${attachment.checksum}`;
  if (attachment.url) return `url:${attachment.url}`;
  return `value:${canonicalJson(attachment)}`;
}

function normalizeText(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toLowerCase();
}
