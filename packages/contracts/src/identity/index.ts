import { z } from 'zod';
import { rpc } from '../rpc';

/** The caller of a service, as authenticated by the gateway (or the registry's token endpoint). */
export const Principal = z.object({
  accountId: z.string(),
  accountName: z.string(),
  userId: z.string(),
  userName: z.string(),
  /** The account's administrator: everything within the account is allowed. */
  accountAdmin: z.boolean(),
  /** The installation's administrator (the bootstrap account's administrator). */
  systemAdmin: z.boolean(),
  /** Id of the token that authenticated this call, when a token did. */
  tokenId: z.string().optional(),
});
export type Principal = z.infer<typeof Principal>;

/** Published identity events; types are stored forever and never renamed. */
export const IdentityEventTypes = {
  AccountCreated: 'AccountCreated',
  UserCreated: 'UserCreated',
  SessionTokenIssued: 'SessionTokenIssued',
} as const;

export const IdentityStreams = {
  /** Accounts are keyed by name: account names are unique in the installation. */
  account: 'identity.account-',
  /** Users are keyed by name: user names are unique across all accounts. */
  user: 'identity.user-',
  sessionToken: 'identity.sessiontoken-',
  signingKey: 'identity.signingkey-',
} as const;

export const CreateSessionRequest = z.object({
  userName: z.string().min(1),
  password: z.string().min(1),
  /** Keystone's `domain.name`: when given, the user must belong to that account. */
  accountName: z.string().min(1).optional(),
});

export const CreateSessionReply = z.object({
  token: z.string(),
  expiresAt: z.string(),
  issuedAt: z.string(),
  principal: Principal,
});
export type CreateSessionReply = z.infer<typeof CreateSessionReply>;

export const VerifyTokenRequest = z.object({ token: z.string().min(1) });
export const VerifyTokenReply = z.object({ principal: Principal, expiresAt: z.string() });

export const IssueRegistryTokenRequest = z.object({
  /** HTTP Basic credentials given to the token endpoint; null for an anonymous request. */
  credentials: z.object({ username: z.string(), password: z.string() }).nullable(),
  service: z.string().min(1),
  scopes: z.array(z.object({ type: z.string(), name: z.string(), actions: z.array(z.string()) })).max(100),
});
export const IssueRegistryTokenReply = z.object({ token: z.string(), expiresIn: z.number().int().positive(), issuedAt: z.string() });

export const SigningKeysReply = z.object({ keys: z.array(z.object({ kid: z.string(), publicKeyPem: z.string() })) });

export const IdentityRpc = {
  createSession: rpc('identity.session.create', CreateSessionRequest, CreateSessionReply),
  verifyToken: rpc('identity.token.verify', VerifyTokenRequest, VerifyTokenReply),
  /** A Docker registry bearer token (ES256 JWT) granting the allowed subset of the requested scopes. */
  issueRegistryToken: rpc('identity.registry-token.issue', IssueRegistryTokenRequest, IssueRegistryTokenReply),
  /** The public keys registry tokens are signed with, by key id. */
  listSigningKeys: rpc('identity.signing-key.list', z.object({}), SigningKeysReply),
} as const;
