import { ADMIN_PASSWORD } from './wharf-processes';

export interface HttpResult<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export const http = async <T = unknown>(url: string, init: RequestInit & { json?: unknown } = {}): Promise<HttpResult<T>> => {
  const { json, ...rest } = init;
  const response = await fetch(url, {
    ...rest,
    headers: { ...(json !== undefined ? { 'Content-Type': 'application/json' } : {}), ...(rest.headers as Record<string, string>) },
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: body as T, text };
};

export const passwordLogin = (name: string, password: string, domain?: string) => ({
  auth: {
    identity: {
      methods: ['password'],
      password: { user: { name, password, ...(domain ? { domain: { name: domain } } : {}) } },
    },
  },
});

/** Logs in as the bootstrap administrator and returns the session token. */
export const adminToken = async (apiUrl: string): Promise<string> => {
  const result = await http(`${apiUrl}/v3/auth/tokens`, { method: 'POST', json: passwordLogin('admin', ADMIN_PASSWORD, 'admin') });
  const token = result.headers.get('x-subject-token');
  if (result.status !== 201 || !token) throw new Error(`admin login failed: ${result.status} ${result.text}`);
  return token;
};
