import { IdentityStreams } from '@wharf/contracts/identity';
import type { Projection } from '@wharf/read-model';
import type { AccessKeyCreatedData, AccessKeyEvent } from './access-key.decider';

export interface AccessKeyDocument extends AccessKeyCreatedData {
  id: string;
  [field: string]: unknown;
}

export const accessKeysProjection: Projection<AccessKeyDocument, AccessKeyEvent> = {
  name: 'access_keys',
  version: 1,
  streamPrefixes: [IdentityStreams.accessKey],
  indexes: [['userId']],
  documentIds: (event) => [event.data.accessKey],
  evolve: (_doc, event) => (event.type === 'AccessKeyCreated' ? { id: event.data.accessKey, ...event.data } : null),
};
