import { SelectelTokenStreams, type SelectelTokenScope } from '@wharf/contracts/identity';
import type { Projection } from '@wharf/read-model';
import type { SelectelTokenEvent, TokenKind } from './selectel-token.decider';

/** Sorts after every real expiry, so tokens that never expire come last when sorting by expiry ascending. */
export const NEVER_EXPIRES_SORT_KEY = '9999-12-31T23:59:59.999Z';

export interface SelectelTokenDocument {
  id: string;
  accountId: string;
  kind: TokenKind;
  name: string;
  secretHash: string;
  modeRW: boolean;
  allRegistries: boolean;
  registryIds: string[];
  expiresAt: string | null;
  expiresAtSort: string;
  ttlSeconds: number | null;
  clusterId: string | null;
  revoked: boolean;
  lastUsedAt: string | null;
  createdAt: string;
  [field: string]: unknown;
}

const scopeFields = (scope: SelectelTokenScope) => ({ modeRW: scope.modeRW, allRegistries: scope.allRegistries, registryIds: scope.registryIds });
const expiryFields = (expiresAt: string | null) => ({ expiresAt, expiresAtSort: expiresAt ?? NEVER_EXPIRES_SORT_KEY });

/** Tokens by id, with the secret's hash indexed: the lookup of every token login and of the management lists. */
export const selectelTokensProjection: Projection<SelectelTokenDocument, SelectelTokenEvent> = {
  name: 'selectel_tokens',
  version: 1,
  streamPrefixes: [SelectelTokenStreams.token],
  indexes: [['accountId', 'kind', 'createdAt'], ['secretHash']],
  documentIds: (event) => [event.data.tokenId],
  evolve: (doc, event) => {
    switch (event.type) {
      case 'SelectelTokenIssued': {
        const { tokenId, accountId, kind, name, secretHash, scope, expiresAt, ttlSeconds, clusterId, createdAt } = event.data;
        return {
          id: tokenId,
          accountId,
          kind,
          name,
          secretHash,
          ...scopeFields(scope),
          ...expiryFields(expiresAt),
          ttlSeconds,
          clusterId,
          revoked: false,
          lastUsedAt: null,
          createdAt,
        };
      }
      case 'SelectelTokenDeleted':
        return null;
      case 'SelectelTokenUpdated':
        return doc && { ...doc, name: event.data.name, ...scopeFields(event.data.scope), ...expiryFields(event.data.expiresAt) };
      case 'SelectelTokenRefreshed':
        return doc && { ...doc, ...expiryFields(event.data.expiresAt) };
      case 'SelectelTokenRegenerated':
        return doc && { ...doc, secretHash: event.data.secretHash, ...expiryFields(event.data.expiresAt), revoked: false };
      case 'SelectelTokenRevoked':
        return doc && { ...doc, revoked: true };
      case 'SelectelTokenUsed':
        return doc && { ...doc, lastUsedAt: event.data.usedAt };
    }
  },
};
