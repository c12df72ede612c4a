import { z } from 'zod';
import { rpc } from '../rpc';
import { Principal } from './index';

/**
 * Selectel API tokens (v1 and v2) and registry cluster integrations, owned by identity. Wire shapes (camelCase,
 * `docker-config`, Unix-second expiries) are the gateway's; these are the messages between gateway and identity.
 */

// `Principal` comes from this file's own barrel: read it lazily so the import cycle never sees it undefined.
const actor = z.lazy(() => Principal);

export const SelectelTokenStreams = {
  /** One stream per token, keyed by its id (v1, v2 and cluster tokens alike). */
  token: 'identity.selecteltoken-',
  /** One stream per registry holding its cluster integrations, keyed by the registry id. */
  registryClusters: 'identity.registryclusters-',
} as const;

/** What a token may do: push and pull (`modeRW`) or pull only, on every registry of the account or the listed ones. */
export const SelectelTokenScope = z.object({
  modeRW: z.boolean(),
  allRegistries: z.boolean(),
  registryIds: z.array(z.string().uuid()).max(100),
});
export type SelectelTokenScope = z.infer<typeof SelectelTokenScope>;

/** `isSet: false` never expires; otherwise `expiresAt` is an ISO-8601 UTC time. */
export const SelectelTokenExpiration = z.object({ isSet: z.boolean(), expiresAt: z.string().optional() });
export type SelectelTokenExpiration = z.infer<typeof SelectelTokenExpiration>;

export const SelectelTokenStatus = z.enum(['active', 'revoked', 'expired']);
export type SelectelTokenStatus = z.infer<typeof SelectelTokenStatus>;

/** A v2 token as management reads it: never its secret. */
export const SelectelToken = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  expiration: SelectelTokenExpiration,
  scope: SelectelTokenScope,
  status: SelectelTokenStatus,
  lastUsedAt: z.string().optional(),
});
export type SelectelToken = z.infer<typeof SelectelToken>;

export const SelectelTokenSortField = z.enum(['name', 'createdAt', 'lastUsedAt', 'expiresAt']);
export type SelectelTokenSortField = z.infer<typeof SelectelTokenSortField>;

export const SELECTEL_TOKEN_NAME_MAX_LENGTH = 255;
const TokenName = z.string().min(1).max(SELECTEL_TOKEN_NAME_MAX_LENGTH);
const TokenId = z.string().min(1).max(64);
const WithToken = z.object({ token: SelectelToken });

export const SelectelTokenRpc = {
  create: rpc(
    'identity.selectel-token.create',
    z.object({ actor, name: TokenName.optional(), expiration: SelectelTokenExpiration, scope: SelectelTokenScope }),
    z.object({ token: SelectelToken, secret: z.string() }),
  ),
  list: rpc(
    'identity.selectel-token.list',
    z.object({
      actor,
      limit: z.number().int().positive().max(1000),
      offset: z.number().int().nonnegative(),
      sortField: SelectelTokenSortField,
      sortType: z.enum(['asc', 'desc']),
      /** Substring of the name, case-insensitive. */
      search: z.string().optional(),
      /** `rw`: read-write tokens only; `ro`: read-only ones. */
      scopeMode: z.enum(['ro', 'rw']).optional(),
    }),
    z.object({ tokens: z.array(SelectelToken), totalCount: z.number().int() }),
  ),
  get: rpc('identity.selectel-token.get', z.object({ actor, tokenId: TokenId }), WithToken),
  update: rpc(
    'identity.selectel-token.update',
    z.object({ actor, tokenId: TokenId, name: TokenName.optional(), scope: SelectelTokenScope.optional(), expiration: SelectelTokenExpiration.optional() }),
    WithToken,
  ),
  /** A new expiry; the secret stays. */
  refresh: rpc('identity.selectel-token.refresh', z.object({ actor, tokenId: TokenId, expiration: SelectelTokenExpiration }), WithToken),
  /** A new secret (and expiry); the old secret stops working at once. */
  regenerate: rpc(
    'identity.selectel-token.regenerate',
    z.object({ actor, tokenId: TokenId, expiration: SelectelTokenExpiration }),
    z.object({ token: SelectelToken, secret: z.string() }),
  ),
  revoke: rpc('identity.selectel-token.revoke', z.object({ actor, tokenId: TokenId }), WithToken),
  delete: rpc('identity.selectel-token.delete', z.object({ actor, tokenId: TokenId }), z.object({ deleted: z.literal(true) })),
} as const;

/** Selectel v1 tokens: read-write on every registry of the account, for 12 hours or a year. */
export const SelectelV1TokenTtl = z.enum(['12h', '1y']);
export type SelectelV1TokenTtl = z.infer<typeof SelectelV1TokenTtl>;
export const SELECTEL_V1_TTL_SECONDS: Record<SelectelV1TokenTtl, number> = { '12h': 12 * 3600, '1y': 365 * 24 * 3600 };

/** A v1 token's expiry: `expiresAt` ISO-8601 (the gateway renders Unix seconds and the seconds left). */
const V1Expiry = z.object({ expiresAt: z.string() });
const V1Secret = z.string().min(1).max(256);

export const SelectelV1TokenRpc = {
  create: rpc('identity.selectel-token-v1.create', z.object({ actor, ttl: SelectelV1TokenTtl }), V1Expiry.extend({ secret: z.string() })),
  /** The v1 API names a token by its secret. */
  get: rpc('identity.selectel-token-v1.get', z.object({ actor, secret: V1Secret }), V1Expiry),
  refresh: rpc('identity.selectel-token-v1.refresh', z.object({ actor, secret: V1Secret }), V1Expiry.extend({ secret: z.string() })),
  revoke: rpc('identity.selectel-token-v1.revoke', z.object({ actor, secret: V1Secret }), z.object({ revoked: z.literal(true) })),
} as const;

/**
 * A Kubernetes cluster integrated with a registry: a named consumer with its own pull-only token for that registry.
 * `kubernetes` is where SWR `cce` triggers update its workloads: the API server's URL (its bearer token is kept sealed
 * and never shown).
 */
export const RegistryCluster = z.object({ id: z.string(), name: z.string(), pool: z.string(), kubernetes: z.object({ apiServer: z.string() }).optional() });
export type RegistryCluster = z.infer<typeof RegistryCluster>;

/** The Kubernetes API of an integrated cluster: its URL, a bearer token, and the PEM CA certificate that signed its TLS certificate. */
export const ClusterKubernetesApi = z.object({ apiServer: z.string(), token: z.string(), caCertificate: z.string().optional() });
export type ClusterKubernetesApi = z.infer<typeof ClusterKubernetesApi>;

/** The context a cluster's bearer token is sealed under with the operator key: it opens for that cluster only. */
export const clusterTokenContext = (clusterId: string): string => `cluster-token:${clusterId}`;

const RegistryId = z.string().min(1).max(64);

export const RegistryClusterRpc = {
  list: rpc(
    'identity.registry-cluster.list',
    z.object({ actor, registryId: RegistryId }),
    z.object({ clusters: z.array(RegistryCluster), totalCount: z.number().int() }),
  ),
  /** Answers the cluster's pull credentials once; only their hash is kept. */
  add: rpc(
    'identity.registry-cluster.add',
    z.object({ actor, registryId: RegistryId, name: z.string(), pool: z.string(), kubernetes: ClusterKubernetesApi.optional() }),
    z.object({ cluster: RegistryCluster, pullSecret: z.object({ username: z.string(), password: z.string() }) }),
  ),
  /** Sets (or replaces) the cluster's Kubernetes API; account administrators only. */
  setKubernetes: rpc(
    'identity.registry-cluster.kubernetes',
    z.object({ actor, registryId: RegistryId, clusterId: z.string().min(1).max(64), kubernetes: ClusterKubernetesApi }),
    z.object({ cluster: RegistryCluster }),
  ),
  remove: rpc('identity.registry-cluster.remove', z.object({ actor, registryId: RegistryId, clusterId: z.string().min(1).max(64) }), z.object({ removed: z.literal(true) })),
} as const;

/** The Docker login user name of Selectel tokens; the password is the token's secret. */
export const SELECTEL_TOKEN_USERNAME = 'token';
