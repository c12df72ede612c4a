import { IdentityStreams } from '@wharf/contracts/identity';
import type { Projection } from '@wharf/read-model';
import type { SigningKeyCreated, SigningKeyData } from './signing-key.decider';

export interface SigningKeyDocument extends SigningKeyData {
  id: string;
  createdAt: string;
  [field: string]: unknown;
}

export const signingKeysProjection: Projection<SigningKeyDocument, SigningKeyCreated> = {
  name: 'signing_keys',
  version: 1,
  streamPrefixes: [IdentityStreams.signingKey],
  documentIds: (event) => [event.data.kid],
  evolve: (_doc, event) => ({ id: event.data.kid, ...event.data }),
};
