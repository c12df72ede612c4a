import { IdentityStreams } from '@wharf/contracts/identity';
import type { Projection } from '@wharf/read-model';
import type { UserCreatedData, UserEvent } from './user.decider';

export interface UserDocument extends UserCreatedData {
  /** The user id. */
  id: string;
  /** The user's stream, where its later commands go: per account and name, or by name alone for older users. */
  stream: string;
  enabled: boolean;
  description: string;
  /** Sessions issued until then have ended (absent: none has), except `keptSessionId`. */
  sessionsEndedAt?: string;
  keptSessionId?: string;
  [field: string]: unknown;
}

/**
 * Users by id, found by name within an account (or across accounts) at every login. A disabled or deleted
 * user's tokens and keys stop at once. Every user event carries the user id, so streams keyed by name alone
 * (before names were per account) replay into the same documents.
 */
export const usersProjection: Projection<UserDocument, UserEvent> = {
  name: 'users',
  version: 3,
  streamPrefixes: [IdentityStreams.user],
  indexes: [['accountId', 'name'], ['name'], ['userId']],
  documentIds: (event) => [event.data.userId],
  evolve: (doc, event) => {
    switch (event.type) {
      case 'UserCreated':
        return { id: event.data.userId, stream: event.streamName, ...event.data, enabled: event.data.enabled ?? true, description: event.data.description ?? '' };
      case 'UserUpdated':
        return doc ? { ...doc, enabled: event.data.enabled, description: event.data.description } : null;
      case 'PasswordChanged':
        return doc ? { ...doc, passwordHash: event.data.passwordHash } : null;
      case 'UserSessionsEnded': {
        if (!doc) return null;
        const { keptSessionId: _previous, ...rest } = doc;
        return { ...rest, sessionsEndedAt: event.data.endedAt, ...(event.data.keptSessionId ? { keptSessionId: event.data.keptSessionId } : {}) };
      }
      case 'UserDeleted':
        return null;
    }
  },
};
