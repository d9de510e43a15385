import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

interface MediaType {
  schema?: unknown;
  example?: unknown;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, MediaType> }; responses?: Record<string, { content?: Record<string, MediaType> }> }>>;
}

/**
 * Checks answers against an OpenAPI 3.1 document: finds the operation by method and path,
 * the response by status, the schema by content type, and validates the body (JSON Schema 2020-12).
 */
export function openApiValidator(document: OpenApiDocument) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  ajv.addSchema(document, 'openapi.json');
  const templates = Object.keys(document.paths).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    statics: template.split('/').filter((s) => !s.startsWith('{')).length,
  }));
  const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

  return {
    /** Problems of one answer (empty when it conforms); throws when the document has no such operation. */
    problems(method: string, path: string, status: number, contentType: string | null, body: unknown): string[] {
      const matches = templates.filter((t) => t.pattern.test(path.split('?')[0]!)).sort((a, b) => b.statics - a.statics);
      const match = matches.find((t) => document.paths[t.template]![method.toLowerCase()]);
      if (!match) throw new Error(`the OpenAPI document has no ${method} ${path}`);
      const responses = document.paths[match.template]![method.toLowerCase()]!.responses ?? {};
      const code = String(status) in responses ? String(status) : `${String(status)[0]}XX` in responses ? `${String(status)[0]}XX` : 'default';
      const response = responses[code];
      if (!response) return [`${method} ${match.template}: status ${status} is not documented (documented: ${Object.keys(responses).join(', ')})`];
      if (!response.content) return body === undefined || body === '' ? [] : [`${method} ${match.template} ${status}: a body where none is documented`];
      const type = (contentType ?? '').split(';')[0]!.trim();
      if (!response.content[type]) return [`${method} ${match.template} ${status}: content type ${type} is not documented (${Object.keys(response.content).join(', ')})`];
      const ref = `openapi.json#/${pointer('paths', match.template, method.toLowerCase(), 'responses', code, 'content', type, 'schema')}`;
      const validate = ajv.getSchema(ref);
      if (!validate) throw new Error(`no schema at ${ref}`);
      if (validate(body)) return [];
      return (validate.errors ?? []).map((e) => `${method} ${match.template} ${status}: ${e.instancePath || '(body)'} ${e.message}`);
    },
    /** Problems of a request body for an operation named as the document names it (`/api/v1/customers/{id}`). */
    requestProblems(method: string, template: string, contentType: string, body: unknown): string[] {
      const ref = `openapi.json#/${pointer('paths', template, method.toLowerCase(), 'requestBody', 'content', contentType, 'schema')}`;
      const validate = ajv.getSchema(ref);
      if (!validate) return [`${method} ${template}: no request schema for ${contentType}`];
      if (validate(body)) return [];
      return (validate.errors ?? []).map((e) => `${method} ${template} request: ${e.instancePath || '(body)'} ${e.message}`);
    },
  };
}
