import { environmentSecret } from '../environment-secret.js';
import type { HttpConnectorConfig } from './http-config.js';

const secret = (connector: string, field: string, variable: string, env: NodeJS.ProcessEnv) =>
  environmentSecret(connector, `auth.${field}`, variable, env);

/** The request headers that authenticate, with secrets read from the environment now, and the secrets (to keep out of messages). */
export function authHeaders(
  connector: string,
  auth: HttpConnectorConfig['auth'],
  env: NodeJS.ProcessEnv = process.env,
): { headers: Record<string, string>; secrets: string[] } {
  switch (auth.type) {
    case 'none':
      return { headers: {}, secrets: [] };
    case 'bearer': {
      const token = secret(connector, 'tokenEnv', auth.tokenEnv, env);
      return { headers: { authorization: `Bearer ${token}` }, secrets: [token] };
    }
    case 'basic': {
      const password = secret(connector, 'passwordEnv', auth.passwordEnv, env);
      const encoded = Buffer.from(`${auth.username}:${password}`).toString('base64');
      return { headers: { authorization: `Basic ${encoded}` }, secrets: [password, encoded] };
    }
    case 'apiKey': {
      const value = secret(connector, 'valueEnv', auth.valueEnv, env);
      return { headers: { [auth.header.toLowerCase()]: value }, secrets: [value] };
    }
  }
}
