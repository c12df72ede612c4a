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
  /**
   * Users are keyed by account id and name (`identity.user-<accountId>.<name>`): names are unique per account.
   * Users created before that are keyed by name alone (`identity.user-<name>`) and keep their streams.
   */
  user: 'identity.user-',
  sessionToken: 'identity.sessiontoken-',
  signingKey: 'identity.signingkey-',
  accessKey: 'identity.accesskey-',
  loginSecret: 'identity.loginsecret-',
  /** One failed login (wrong password or secret, unknown or disabled user) per stream: `identity.loginfailure-<id>`. */
  loginFailure: 'identity.loginfailure-',
} as const;

export const CreateSessionRequest = z.object({
  userName: z.string().min(1),
  password: z.string().min(1),
  /** Keystone's `domain.name`: when given, the user must belong to that account. */
  accountName: z.string().min(1).optional(),
  /** Keystone's `domain.id`: when given, the user must belong to that account. */
  accountId: z.string().min(1).optional(),
  /** The caller's network address, for slowing repeated failures from one place. */
  clientAddress: z.string().optional(),
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
  /** The caller's network address, for slowing repeated failures from one place. */
  clientAddress: z.string().optional(),
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

export const Account = z.object({ id: z.string(), name: z.string(), description: z.string(), system: z.boolean(), createdAt: z.string() });
export type Account = z.infer<typeof Account>;

export const User = z.object({
  id: z.string(),
  name: z.string(),
  accountId: z.string(),
  accountName: z.string(),
  accountAdmin: z.boolean(),
  enabled: z.boolean(),
  description: z.string(),
  createdAt: z.string(),
});
export type User = z.infer<typeof User>;

export const AccessKey = z.object({
  access: z.string(),
  userId: z.string(),
  description: z.string(),
  createdAt: z.string(),
});
export type AccessKey = z.infer<typeof AccessKey>;

const asActor = <T extends z.ZodRawShape>(shape: T) => z.object({ actor: Principal, ...shape });
const Password = z.string().min(1).max(256);

export const IdentityManagementRpc = {
  createAccount: rpc('identity.account.create', asActor({ name: z.string(), description: z.string().max(255).optional() }), z.object({ account: Account })),
  listAccounts: rpc('identity.account.list', asActor({ name: z.string().optional() }), z.object({ accounts: z.array(Account) })),
  getAccount: rpc('identity.account.get', asActor({ accountId: z.string() }), z.object({ account: Account })),
  deleteAccount: rpc('identity.account.delete', asActor({ accountId: z.string() }), z.object({ deleted: z.literal(true) })),
  createUser: rpc(
    'identity.user.create',
    asActor({
      name: z.string(),
      password: Password,
      accountId: z.string().optional(),
      description: z.string().max(255).optional(),
      enabled: z.boolean().optional(),
      accountAdmin: z.boolean().optional(),
    }),
    z.object({ user: User }),
  ),
  listUsers: rpc('identity.user.list', asActor({ accountId: z.string().optional(), name: z.string().optional() }), z.object({ users: z.array(User) })),
  getUser: rpc('identity.user.get', asActor({ userId: z.string() }), z.object({ user: User })),
  updateUser: rpc(
    'identity.user.update',
    asActor({ userId: z.string(), enabled: z.boolean().optional(), description: z.string().max(255).optional(), password: Password.optional() }),
    z.object({ user: User }),
  ),
  changePassword: rpc('identity.user.change-password', asActor({ userId: z.string(), originalPassword: z.string(), password: Password }), z.object({ changed: z.literal(true) })),
  deleteUser: rpc('identity.user.delete', asActor({ userId: z.string() }), z.object({ deleted: z.literal(true) })),
  createAccessKey: rpc(
    'identity.access-key.create',
    asActor({ userId: z.string(), description: z.string().max(255).optional() }),
    z.object({ accessKey: AccessKey, secretKey: z.string() }),
  ),
  listAccessKeys: rpc('identity.access-key.list', asActor({ userId: z.string() }), z.object({ accessKeys: z.array(AccessKey) })),
  deleteAccessKey: rpc('identity.access-key.delete', asActor({ accessKey: z.string() }), z.object({ deleted: z.literal(true) })),
} as const;

export const LoginSecretRpc = {
  /** A docker login for the caller: `temporary` (6 h, `{project}@{id}`) or `enhanced` (24 h, `bearertoken@{id}`). */
  issue: rpc(
    'identity.login-secret.issue',
    z.object({ actor: Principal, kind: z.enum(['temporary', 'enhanced']), project: z.string().min(1).max(64) }),
    z.object({ username: z.string(), password: z.string(), expiresAt: z.string() }),
  ),
} as const;

/** Selectel API tokens and registry cluster integrations. */
export * from './selectel-tokens';

/** The audit log and failed logins. */
export * from './audit';
