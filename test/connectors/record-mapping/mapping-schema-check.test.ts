import { describe, expect, it } from 'vitest';
import { mappingPathProblems } from '../../../src/connectors/record-mapping/mapping-schema-check.js';
import { recordMappingSchema } from '../../../src/connectors/record-mapping/record-mapping-schema.js';

/** A stream schema as an Airbyte source's `discover` gives it: nullable types, `additionalProperties: true` everywhere. */
const customers = {
  type: 'object',
  additionalProperties: true,
  properties: {
    id: { type: ['null', 'integer'] },
    email: { type: ['null', 'string'] },
    first_name: { type: ['null', 'string'] },
    addresses: {
      type: ['null', 'array'],
      items: { type: ['null', 'object'], additionalProperties: true, properties: { id: { type: ['null', 'integer'] }, city: { type: ['null', 'string'] } } },
    },
    metadata: { type: ['null', 'object'] },
    tags: { anyOf: [{ type: 'null' }, { type: 'object', properties: { segment: { type: 'string' } } }] },
  },
};

const problemsOf = (mapping: unknown) => mappingPathProblems(recordMappingSchema.parse(mapping), customers, 'customers');

describe("checking a mapping against the stream's schema", () => {
  it('accepts paths the schema lists, through arrays, nullable unions and open objects', () => {
    expect(
      problemsOf({
        externalId: { path: '/id', transform: ['string'] },
        type: 'PERSON',
        name: { firstName: 'first_name' },
        contactDetails: [{ kind: 'email', value: 'email' }],
        addresses: [{ from: '/addresses', code: 'id', type: { const: 'shipping' }, city: 'city' }],
        attributes: { anything: '/metadata/anything', segment: 'tags.segment', firstCity: '/addresses/0/city' },
      }),
    ).toEqual([]);
  });

  it('names every path the records cannot have, where it is in the mapping, and what is there instead', () => {
    const problems = problemsOf({
      externalId: '/id',
      name: { firstName: 'firstname', lastName: { join: ['first_name', 'surname'] } },
      addresses: [{ from: '/addresses', type: { const: 'billing' }, city: 'town' }],
      attributes: { segment: 'tags.segmnt' },
    });
    expect(problems.map((p) => p.field)).toEqual(['mapping.name.firstName', 'mapping.name.lastName.join.1', 'mapping.addresses.0.city', 'mapping.attributes.segment']);
    expect(problems[0]!.message).toBe("stream customers has no 'firstname' in firstname (there: id, email, first_name, addresses, metadata, tags)");
    expect(problems[2]!.message).toContain("no 'town' in town (there: id, city)");
  });
});
