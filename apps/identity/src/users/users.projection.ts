import { IdentityStreams } from '@wharf/contracts/identity';
import type { Projection } from '@wharf/read-model';
import type { UserCreatedData, UserEvent } from './user.decider';

export interface UserDocument extends UserCreatedData {
  id: string;
  enabled: boolean;
  description: string;
  /** Sessions issued until then have ended (absent: none has), except `keptSessionId`. */
  sessionsEndedAt?: string;
  keptSessionId?: string;
  [field: string]: unknown;
}

/** Users by name: the lookup of every login. A disabled or deleted user's tokens and keys stop at once. */
export const usersProjection: Projection<UserDocument, UserEvent> = {
  name: 'users',
  version: 2,
  streamPrefixes: [IdentityStreams.user],
  indexes: [['accountId', 'name'], ['userId']],
  documentIds: (event) => [event.data.name],
  evolve: (doc, event) => {
    switch (event.type) {
      case 'UserCreated':
        return { id: event.data.name, ...event.data, enabled: event.data.enabled ?? true, description: event.data.description ?? '' };
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
