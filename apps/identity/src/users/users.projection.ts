import { IdentityStreams } from '@wharf/contracts/identity';
import type { Projection } from '@wharf/read-model';
import type { UserCreatedData, UserEvent } from './user.decider';

export interface UserDocument extends UserCreatedData {
  id: string;
  enabled: boolean;
  [field: string]: unknown;
}

/** Users by name: the lookup of every login. */
export const usersProjection: Projection<UserDocument, UserEvent> = {
  name: 'users',
  version: 1,
  streamPrefixes: [IdentityStreams.user],
  indexes: [['accountId'], ['userId']],
  documentIds: (event) => [event.data.name],
  evolve: (_doc, event) => {
    switch (event.type) {
      case 'UserCreated':
        return { id: event.data.name, ...event.data, enabled: true };
    }
  },
};
