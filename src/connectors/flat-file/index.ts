export {
  DelimitedParseError,
  readDelimitedRows,
  readHeaderRow,
  type DelimitedReaderOptions,
  type DelimitedRow,
  type HeaderRow,
} from './delimited-reader.js';
export {
  buildReferenceLookups,
  loadReferenceData,
  parseReferenceData,
  priceTypeKey,
  ReferenceDataError,
  referenceDataSchema,
  type ReferenceData,
  type ReferenceLookups,
} from './reference-data.js';
export {
  resolveTemplateColumn,
  STATE_REQUIRED_COUNTRIES,
  TEMPLATE_FIELDS,
  TEMPLATE_FIELDS_BY_NAME,
  templateColumnName,
  type TemplateField,
  type TemplateGroup,
  type TemplateRequirement,
  type TemplateValueKind,
} from './template-fields.js';
export { parseTemplateHeader, TemplateHeaderError, type TemplateHeader } from './template-header.js';
export { mapTemplateRow, type TemplateRowContext, type TemplateRowResult } from './template-row-mapper.js';
