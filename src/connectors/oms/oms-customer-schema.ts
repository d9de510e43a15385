import { z } from 'zod';

/**
 * The OMS's customer bodies as custsync reads them: only the fields it maps are checked;
 * other fields the API sends are allowed and ignored.
 */
const text = z.string().nullish();

export const omsAddressSchema = z.looseObject({
  id: text,
  name: text,
  line1: text,
  line2: text,
  city: text,
  postalCode: text,
  countryCode: text,
  email: text,
  phone: text,
});

/** An id the customer has in another system, e.g. `{ providerName: "Voyado", id: "123" }`. */
export const omsExternalIdSchema = z.looseObject({ providerName: z.string(), id: z.string() });

const common = {
  customerId: z.string().min(1),
  email: text,
  phone: text,
  address: omsAddressSchema.nullish(),
  customerNumber: text,
  marketGroupId: text,
  externalIds: z.array(omsExternalIdSchema).nullish(),
};

export const omsPrivateCustomerSchema = z.looseObject({
  ...common,
  firstName: text,
  lastName: text,
  fullName: text,
});

/**
 * A relation of a business customer: `Parent` names its parent company, `SubDepartment`
 * one of its sub-departments.
 */
export const omsCustomerRelationSchema = z.looseObject({
  customerId: z.string().min(1),
  relationType: z.enum(['Parent', 'SubDepartment']),
});

export const omsContactSchema = z.looseObject({
  id: text,
  firstName: text,
  lastName: text,
  email: text,
  phone: text,
  privateCustomerId: text,
});

export const omsBusinessCustomerSchema = z.looseObject({
  ...common,
  name: text,
  taxId: text,
  addresses: z.array(omsAddressSchema).nullish(),
  contacts: z.array(omsContactSchema).nullish(),
  customerRelations: z.array(omsCustomerRelationSchema).nullish(),
  isParentCompany: z.boolean().nullish(),
});

export type OmsAddress = z.infer<typeof omsAddressSchema>;
export type OmsExternalId = z.infer<typeof omsExternalIdSchema>;
export type OmsPrivateCustomer = z.infer<typeof omsPrivateCustomerSchema>;
export type OmsBusinessCustomer = z.infer<typeof omsBusinessCustomerSchema>;
export type OmsCustomerRelation = z.infer<typeof omsCustomerRelationSchema>;
