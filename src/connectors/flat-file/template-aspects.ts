import type { Aspect } from '../../domain/customer-record.js';

/** The aspects a standard-template row supplies (see `mapTemplateRow`). */
export const TEMPLATE_ASPECTS = [
  'name',
  'addresses',
  'contactPersons',
  'customerAttributes',
  'customerContactDetails',
  'addressAttributes',
  'addressContactDetails',
] as const satisfies readonly Aspect[];
