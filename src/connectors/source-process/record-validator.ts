import { Ajv, type ValidateFunction } from 'ajv';

/**
 * Checks a stream's records against its JSON schema, as the source declared it. Sources'
 * schemas use keywords of their own (`airbyte_type`, Singer's `inclusion`) and formats loosely,
 * so unknown keywords and formats are ignored. A schema that cannot be compiled checks nothing
 * (`problem` says why).
 */
export function recordValidator(schema: Record<string, unknown> | undefined): { validate: (data: unknown) => string | undefined; problem?: string } {
  if (!schema) return { validate: () => undefined };
  let check: ValidateFunction;
  try {
    check = new Ajv({ strict: false, validateFormats: false, allErrors: false, validateSchema: false }).compile(withoutSchemaId(schema));
  } catch (error) {
    return { validate: () => undefined, problem: `the stream's JSON schema cannot be used, records are not checked against it: ${(error as Error).message}` };
  }
  return {
    validate(data) {
      if (check(data)) return undefined;
      const error = check.errors?.[0];
      if (!error) return 'does not match the stream schema';
      return `does not match the stream schema: ${error.instancePath ? `${error.instancePath} ` : ''}${error.message ?? 'is invalid'}`;
    },
  };
}

/** `$schema` may name a draft Ajv was not set up for; the keywords are what count. */
function withoutSchemaId(schema: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...schema };
  delete rest.$schema;
  return rest;
}
