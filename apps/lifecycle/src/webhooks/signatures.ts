import { createHmac, randomBytes } from 'node:crypto';

/**
 * One secret signs every request three ways, so any consumer can check it:
 * - Standard Webhooks: `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature: v1,<base64>`, the
 *   HMAC-SHA256 of `<id>.<timestamp>.<body>` keyed with the secret's base64 part decoded (the spec's `whsec_` form);
 * - GitHub's `X-Hub-Signature-256: sha256=<hex>` and Flux's `X-Signature: sha256=<hex>`, the HMAC-SHA256 of the body
 *   keyed with the whole secret string as shown (`whsec_` included).
 */

const SECRET = /^whsec_([A-Za-z0-9+/]+={0,2})$/;
const MIN_SECRET_BYTES = 24;
const MAX_SECRET_BYTES = 64;

/** A new secret: 32 random bytes in Standard Webhooks' `whsec_<base64>` form. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

/** What is wrong with a secret a user chose, or null. */
export const webhookSecretProblem = (secret: string): string | null => {
  const match = SECRET.exec(secret);
  const bytes = match ? Buffer.from(match[1]!, 'base64').length : 0;
  return bytes >= MIN_SECRET_BYTES && bytes <= MAX_SECRET_BYTES ? null : 'webhook.secret must be whsec_ followed by 24 to 64 bytes in base64';
};

export const signatureHeaders = (secret: string, id: string, timestampSeconds: number, body: string): Record<string, string> => {
  const key = Buffer.from(SECRET.exec(secret)?.[1] ?? '', 'base64');
  const standard = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  const hex = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': `v1,${standard}`,
    'X-Hub-Signature-256': hex,
    'X-Signature': hex,
  };
};
