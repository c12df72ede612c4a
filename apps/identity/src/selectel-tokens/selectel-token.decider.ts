import { DomainError } from '@wharf/contracts';
import type { SelectelTokenExpiration, SelectelTokenScope } from '@wharf/contracts/identity';
import type { Command, Decider, Event } from '@wharf/event-store';
import { LAST_USE_RESOLUTION_MS, requireSameAccount, requireTokenAdmin, type TokenActor } from './token-policy';

/** v1 and v2 are Selectel's two token APIs; cluster tokens belong to a registry's cluster integration. */
export type TokenKind = 'v1' | 'v2' | 'cluster';

export interface SelectelTokenIssuedData {
  tokenId: string;
  accountId: string;
  kind: TokenKind;
  name: string;
  secretHash: string;
  scope: SelectelTokenScope;
  /** null: never expires. */
  expiresAt: string | null;
  /** v1 tokens: the lifetime a refresh starts again. */
  ttlSeconds: number | null;
  /** Cluster tokens: the integration that holds the token. */
  clusterId: string | null;
  createdBy: string;
  createdAt: string;
}
export type SelectelTokenIssued = Event<'SelectelTokenIssued', SelectelTokenIssuedData>;
export type SelectelTokenUpdated = Event<'SelectelTokenUpdated', { tokenId: string; name: string; scope: SelectelTokenScope; expiresAt: string | null; updatedAt: string }>;
export type SelectelTokenRefreshed = Event<'SelectelTokenRefreshed', { tokenId: string; expiresAt: string | null; refreshedAt: string }>;
export type SelectelTokenRegenerated = Event<'SelectelTokenRegenerated', { tokenId: string; secretHash: string; expiresAt: string | null; regeneratedAt: string }>;
export type SelectelTokenRevoked = Event<'SelectelTokenRevoked', { tokenId: string; revokedAt: string }>;
export type SelectelTokenDeleted = Event<'SelectelTokenDeleted', { tokenId: string; accountId: string; deletedAt: string }>;
export type SelectelTokenUsed = Event<'SelectelTokenUsed', { tokenId: string; usedAt: string }>;
export type SelectelTokenEvent =
  | SelectelTokenIssued
  | SelectelTokenUpdated
  | SelectelTokenRefreshed
  | SelectelTokenRegenerated
  | SelectelTokenRevoked
  | SelectelTokenDeleted
  | SelectelTokenUsed;

interface Acting {
  tokenId: string;
  actor: TokenActor;
}
/** `accountRegistryIds`: which of the scope's registry ids are registries of the actor's account (looked up by the handler). */
interface ScopeInput {
  scope: SelectelTokenScope;
  accountRegistryIds: readonly string[];
}
export type IssueToken = Command<
  'IssueToken',
  Acting & ScopeInput & { kind: 'v2' | 'cluster'; name?: string; secretHash: string; expiration: SelectelTokenExpiration; clusterId?: string; createdBy: string }
>;
export type IssueV1Token = Command<'IssueV1Token', Acting & { secretHash: string; ttlSeconds: number; createdBy: string }>;
export type UpdateToken = Command<
  'UpdateToken',
  Acting & { name?: string; scope?: SelectelTokenScope; expiration?: SelectelTokenExpiration; accountRegistryIds: readonly string[] }
>;
export type RefreshToken = Command<'RefreshToken', Acting & { expiration: SelectelTokenExpiration }>;
export type RefreshV1Token = Command<'RefreshV1Token', Acting>;
export type RegenerateToken = Command<'RegenerateToken', Acting & { secretHash: string; expiration: SelectelTokenExpiration }>;
export type RevokeToken = Command<'RevokeToken', Acting & { via: 'v1' | 'v2' }>;
export type DeleteToken = Command<'DeleteToken', Acting & { via: 'v2' | 'cluster' }>;
export type RecordTokenUse = Command<'RecordTokenUse', { tokenId: string }>;
export type SelectelTokenCommand =
  | IssueToken
  | IssueV1Token
  | UpdateToken
  | RefreshToken
  | RefreshV1Token
  | RegenerateToken
  | RevokeToken
  | DeleteToken
  | RecordTokenUse;

export interface LiveToken {
  status: 'live';
  tokenId: string;
  accountId: string;
  kind: TokenKind;
  name: string;
  scope: SelectelTokenScope;
  expiresAt: string | null;
  ttlSeconds: number | null;
  revoked: boolean;
  lastUsedAt: string | null;
}
export type SelectelTokenState = { status: 'absent' } | { status: 'deleted' } | LiveToken;

const notFound = (tokenId: string) => () => new DomainError('IDENTITY.SELECTEL_TOKEN_NOT_FOUND', { tokenId });

/** The live token of the kind the command addresses, in the actor's account; anything else does not exist for it. */
const requireToken = (state: SelectelTokenState, { tokenId, actor }: Acting, kind: TokenKind): LiveToken => {
  if (state.status !== 'live' || state.kind !== kind) throw notFound(tokenId)();
  requireSameAccount(actor, state.accountId, notFound(tokenId));
  // The v1 API has no revoked state to show: a revoked v1 token is gone.
  if (kind === 'v1' && state.revoked) throw notFound(tokenId)();
  return state;
};

const managedToken = (state: SelectelTokenState, acting: Acting, kind: TokenKind): LiveToken => {
  const token = requireToken(state, acting, kind);
  requireTokenAdmin(acting.actor);
  return token;
};

/** `isSet: false` never expires; otherwise the time must parse and lie in the future. */
export const expiresAtOf = (expiration: SelectelTokenExpiration, now: string): string | null => {
  if (!expiration.isSet) return null;
  const at = expiration.expiresAt === undefined ? Number.NaN : Date.parse(expiration.expiresAt);
  if (Number.isNaN(at) || at <= Date.parse(now)) throw new DomainError('IDENTITY.INVALID_TOKEN_EXPIRATION', { expiresAt: expiration.expiresAt ?? null });
  return new Date(at).toISOString();
};

/** All registries (the id list is then empty), or at least one registry, every one of them the account's. */
export const scopeOf = ({ scope, accountRegistryIds }: ScopeInput): SelectelTokenScope => {
  if (scope.allRegistries) return { modeRW: scope.modeRW, allRegistries: true, registryIds: [] };
  const registryIds = [...new Set(scope.registryIds)];
  if (registryIds.length === 0) throw new DomainError('IDENTITY.INVALID_TOKEN_SCOPE', { reason: 'registryIds is empty and allRegistries is false' });
  const foreign = registryIds.find((id) => !accountRegistryIds.includes(id));
  if (foreign !== undefined) throw new DomainError('IDENTITY.INVALID_TOKEN_SCOPE', { registryId: foreign });
  return { modeRW: scope.modeRW, allRegistries: false, registryIds };
};

const nameOf = (name: string): string => {
  if (!/\S/.test(name)) throw new DomainError('PLATFORM.VALIDATION_FAILED', { path: 'name', reason: 'blank' }, 'The token name must not be blank');
  return name;
};

const plusSeconds = (iso: string, seconds: number): string => new Date(Date.parse(iso) + seconds * 1000).toISOString();

const ALL_READ_WRITE: SelectelTokenScope = { modeRW: true, allRegistries: true, registryIds: [] };

export const selectelTokenDecider: Decider<SelectelTokenState, SelectelTokenCommand, SelectelTokenEvent> = {
  initialState: () => ({ status: 'absent' }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'SelectelTokenIssued': {
        const { tokenId, accountId, kind, name, scope, expiresAt, ttlSeconds } = event.data;
        return { status: 'live', tokenId, accountId, kind, name, scope, expiresAt, ttlSeconds, revoked: false, lastUsedAt: null };
      }
      case 'SelectelTokenDeleted':
        return { status: 'deleted' };
      default:
        if (state.status !== 'live') return state;
        switch (event.type) {
          case 'SelectelTokenUpdated':
            return { ...state, name: event.data.name, scope: event.data.scope, expiresAt: event.data.expiresAt };
          case 'SelectelTokenRefreshed':
            return { ...state, expiresAt: event.data.expiresAt };
          case 'SelectelTokenRegenerated':
            return { ...state, expiresAt: event.data.expiresAt, revoked: false };
          case 'SelectelTokenRevoked':
            return { ...state, revoked: true };
          case 'SelectelTokenUsed':
            return { ...state, lastUsedAt: event.data.usedAt };
        }
    }
  },
  decide: (command, state) => {
    const now = command.metadata.now;
    switch (command.type) {
      case 'IssueToken': {
        const { tokenId, actor, kind, secretHash, clusterId, createdBy } = command.data;
        // Ids are random and never reused, a deleted token's included.
        if (state.status !== 'absent') throw new DomainError('PLATFORM.CONCURRENCY_CONFLICT', { tokenId });
        requireTokenAdmin(actor);
        const name = nameOf(command.data.name ?? `token-${tokenId.slice(0, 8)}`);
        const data: SelectelTokenIssuedData = {
          tokenId,
          accountId: actor.accountId,
          kind,
          name,
          secretHash,
          scope: scopeOf(command.data),
          expiresAt: expiresAtOf(command.data.expiration, now),
          ttlSeconds: null,
          clusterId: clusterId ?? null,
          createdBy,
          createdAt: now,
        };
        return [{ type: 'SelectelTokenIssued', data }];
      }
      case 'IssueV1Token': {
        const { tokenId, actor, secretHash, ttlSeconds, createdBy } = command.data;
        if (state.status !== 'absent') throw new DomainError('PLATFORM.CONCURRENCY_CONFLICT', { tokenId });
        requireTokenAdmin(actor);
        const data: SelectelTokenIssuedData = {
          tokenId,
          accountId: actor.accountId,
          kind: 'v1',
          name: '',
          secretHash,
          scope: ALL_READ_WRITE,
          expiresAt: plusSeconds(now, ttlSeconds),
          ttlSeconds,
          clusterId: null,
          createdBy,
          createdAt: now,
        };
        return [{ type: 'SelectelTokenIssued', data }];
      }
      case 'UpdateToken': {
        const token = managedToken(state, command.data, 'v2');
        const { name, scope, expiration, accountRegistryIds } = command.data;
        return [
          {
            type: 'SelectelTokenUpdated',
            data: {
              tokenId: token.tokenId,
              name: name === undefined ? token.name : nameOf(name),
              scope: scope === undefined ? token.scope : scopeOf({ scope, accountRegistryIds }),
              expiresAt: expiration === undefined ? token.expiresAt : expiresAtOf(expiration, now),
              updatedAt: now,
            },
          },
        ];
      }
      case 'RefreshToken': {
        const token = managedToken(state, command.data, 'v2');
        if (token.revoked) throw new DomainError('IDENTITY.SELECTEL_TOKEN_REVOKED', { tokenId: token.tokenId });
        return [{ type: 'SelectelTokenRefreshed', data: { tokenId: token.tokenId, expiresAt: expiresAtOf(command.data.expiration, now), refreshedAt: now } }];
      }
      case 'RefreshV1Token': {
        const token = managedToken(state, command.data, 'v1');
        return [{ type: 'SelectelTokenRefreshed', data: { tokenId: token.tokenId, expiresAt: plusSeconds(now, token.ttlSeconds ?? 0), refreshedAt: now } }];
      }
      case 'RegenerateToken': {
        const token = managedToken(state, command.data, 'v2');
        const expiresAt = expiresAtOf(command.data.expiration, now);
        return [{ type: 'SelectelTokenRegenerated', data: { tokenId: token.tokenId, secretHash: command.data.secretHash, expiresAt, regeneratedAt: now } }];
      }
      case 'RevokeToken': {
        const token = managedToken(state, command.data, command.data.via);
        return token.revoked ? [] : [{ type: 'SelectelTokenRevoked', data: { tokenId: token.tokenId, revokedAt: now } }];
      }
      case 'DeleteToken': {
        const token = managedToken(state, command.data, command.data.via);
        return [{ type: 'SelectelTokenDeleted', data: { tokenId: token.tokenId, accountId: token.accountId, deletedAt: now } }];
      }
      case 'RecordTokenUse': {
        if (state.status !== 'live' || state.revoked) return [];
        if (state.lastUsedAt !== null && Date.parse(now) - Date.parse(state.lastUsedAt) < LAST_USE_RESOLUTION_MS) return [];
        return [{ type: 'SelectelTokenUsed', data: { tokenId: state.tokenId, usedAt: now } }];
      }
    }
  },
};
