import type { OpenAPIV3_1 } from 'openapi-types';
import type { OperationExamples } from './schemas/api-examples.js';

const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;

/**
 * The OpenAPI document with each operation's example request and answers set on their media
 * types (as Swagger UI shows them and Schemathesis's examples phase sends them).
 */
export function withOperationExamples<D extends { paths?: object }>(document: D, examples: Readonly<Record<string, OperationExamples>>): D {
  for (const [path, item] of Object.entries((document.paths ?? {}) as OpenAPIV3_1.PathsObject)) {
    for (const method of METHODS) {
      const operation = item?.[method];
      const example = examples[`${method.toUpperCase()} ${path}`];
      if (!operation || !example) continue;
      const body = operation.requestBody as OpenAPIV3_1.RequestBodyObject | undefined;
      if (body && example.request !== undefined) for (const media of Object.values(body.content)) media.example = example.request;
      for (const [status, value] of Object.entries(example.responses)) {
        const media = (operation.responses?.[status] as OpenAPIV3_1.ResponseObject | undefined)?.content?.['application/json'];
        if (media) media.example = value;
      }
    }
  }
  return document;
}
