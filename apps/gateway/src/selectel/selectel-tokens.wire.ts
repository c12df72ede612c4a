import { RegistryCluster, SELECTEL_TOKEN_NAME_MAX_LENGTH, SELECTEL_TOKEN_USERNAME, SelectelTokenStatus, type SelectelToken } from '@wharf/contracts/identity';
import { z } from 'zod';
import { selectelInvalid } from './selectel-errors';

/**
 * The Selectel dialect's wire shapes for tokens (v1 and v2) and cluster integrations: request schemas that refuse
 * unknown fields and wrong types with a 400 naming the field, and the mappings to Selectel's JSON.
 */

/** Any mismatch is a 400 in Selectel's error body naming the offending field: `Invalid request body: scope.modeRW: …`. */
export const invalidBody = selectelInvalid({ what: 'request body' });
export const invalidQuery = selectelInvalid({ what: 'query parameter' });

/** No body reads as an empty object. */
const orEmpty = <S extends z.ZodTypeAny>(schema: S) => z.preprocess((body) => body ?? {}, schema);

/** RFC 3339 with an offset, as Selectel and Terraform send it (`2030-01-01T00:00:00Z`). */
const Rfc3339 = z.string().datetime({ offset: true });

/** An expiration; when `isSet` is false any `expiresAt` (Go clients send the zero time) is ignored. */
const Expiration = z
  .object({ isSet: z.boolean(), expiresAt: Rfc3339.optional() })
  .strict()
  .transform(({ isSet, expiresAt }) => (isSet ? { isSet, ...(expiresAt !== undefined ? { expiresAt: new Date(expiresAt).toISOString() } : {}) } : { isSet }));

const Scope = z
  .object({
    modeRW: z.boolean(),
    allRegistries: z.boolean(),
    // Go clients send null for an empty list.
    registryIds: z.array(z.string().uuid()).max(100).nullable().optional(),
  })
  .strict()
  .transform(({ modeRW, allRegistries, registryIds }) => ({ modeRW, allRegistries, registryIds: registryIds ?? [] }));

const Name = z.string().min(1).max(SELECTEL_TOKEN_NAME_MAX_LENGTH);

export const CreateTokenBody = orEmpty(z.object({ name: Name.optional(), expiration: Expiration, scope: Scope }).strict());
export const UpdateTokenBody = orEmpty(z.object({ name: Name.optional(), expiration: Expiration.optional(), scope: Scope.optional() }).strict());

/** Refresh and regenerate take `{"expiration": {…}}` (the seed); the bare expiration object (Selectel's SDK) also works. */
export const ExpirationBody = z.preprocess(
  (raw) => {
    const body: unknown = raw ?? {};
    return typeof body === 'object' && body !== null && !('expiration' in body) && 'isSet' in body ? { expiration: body } : body;
  },
  z.object({ expiration: Expiration }).strict(),
);

const DockerConfigFlag = z.enum(['true', 'false']).optional();
export const CreateTokenQuery = z.object({ 'docker-config': DockerConfigFlag }).strict();
export const CreateV1TokenQuery = z.object({ ttl: z.enum(['12h', '1y']).default('12h'), 'docker-config': DockerConfigFlag }).strict();

const Count = (fallback: number, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be an integer')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .default(String(fallback));

export const ListTokensQuery = z
  .object({
    limit: Count(10, 1, 1000),
    offset: Count(0, 0, Number.MAX_SAFE_INTEGER),
    sort_field: z.enum(['name', 'createdAt', 'lastUsedAt', 'expiresAt']).default('createdAt'),
    sort_type: z.enum(['asc', 'desc']).default('asc'),
    search: z.string().max(255).optional(),
    scope_mode: z.enum(['ro', 'rw']).optional(),
  })
  .strict();

/** Wharf's extension: the cluster's Kubernetes API, which SWR `cce` triggers update workloads through. */
const KubernetesApiBody = z.object({ apiServer: z.string(), token: z.string(), caCertificate: z.string().optional() }).strict();
export const AddClusterBody = orEmpty(z.object({ name: z.string(), pool: z.string(), kubernetes: KubernetesApiBody.optional() }).strict());
export const UpdateClusterBody = orEmpty(z.object({ kubernetes: KubernetesApiBody }).strict());

/** Selectel's timestamps: RFC 3339 in UTC, without fractional seconds when there are none. */
export const rfc3339 = (iso: string): string => iso.replace(/\.000Z$/, 'Z');

const Time = z.string().describe('RFC 3339, UTC');
export const SelectelTokenShape = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: Time,
  expiration: z.object({ isSet: z.boolean(), expiresAt: Time.optional() }),
  scope: z.object({ modeRW: z.boolean(), allRegistries: z.boolean(), registryIds: z.array(z.string()) }),
  status: SelectelTokenStatus,
  lastUsedAt: Time.optional(),
  token: z.string().optional().describe('The secret: in the answers to create and regenerate only'),
});

/** A v2 token in Selectel's JSON; `token` (the secret) only when the answer is a create or regenerate. */
export const selectelToken = (token: SelectelToken, secret?: string): z.input<typeof SelectelTokenShape> => ({
  id: token.id,
  name: token.name,
  createdAt: rfc3339(token.createdAt),
  expiration: token.expiration.isSet && token.expiration.expiresAt ? { isSet: true, expiresAt: rfc3339(token.expiration.expiresAt) } : { isSet: false },
  scope: { modeRW: token.scope.modeRW, allRegistries: token.scope.allRegistries, registryIds: token.scope.registryIds },
  status: token.status,
  ...(token.lastUsedAt !== undefined ? { lastUsedAt: rfc3339(token.lastUsedAt) } : {}),
  ...(secret !== undefined ? { token: secret } : {}),
});

export const V1Expiry = z.object({ expireAt: z.number().int().describe('Unix seconds'), expireIn: z.number().int().describe('Seconds left') });

/** A v1 token's expiry: Unix seconds, and the whole seconds left (never negative). */
export const v1Expiry = (expiresAt: string, now = Date.now()): z.input<typeof V1Expiry> => {
  const at = Date.parse(expiresAt);
  return { expireAt: Math.floor(at / 1000), expireIn: Math.max(0, Math.floor((at - now) / 1000)) };
};

export const DockerConfig = z.object({ auths: z.record(z.string(), z.object({ auth: z.string().describe('base64 of token:<secret>') })) }).describe('A Docker config.json');

/** A cluster integration with its pull secret, shown this once. */
export const ClusterWithSecret = RegistryCluster.extend({
  pullSecret: z.object({ username: z.string(), password: z.string(), dockerConfig: DockerConfig }),
});

/** A Docker `config.json` that logs in to the registry host with a token secret. */
export const dockerConfig = (registryHost: string, secret: string): z.input<typeof DockerConfig> => ({
  auths: { [registryHost]: { auth: Buffer.from(`${SELECTEL_TOKEN_USERNAME}:${secret}`).toString('base64') } },
});
