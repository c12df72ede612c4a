import { IdentityStreams } from '@wharf/contracts/identity';
import type { SealedSecret } from '@wharf/platform';
import type { Projection } from '@wharf/read-model';
import type { SigningKeyEvent } from './signing-key.decider';

export interface SigningKeyDocument {
  id: string;
  kid: string;
  /** 0 for the key written before rotation existed. */
  generation: number;
  publicKeyPem: string;
  /** Absent for that first key, which only verifies now: its private half was never sealed. */
  sealedPrivateKey?: SealedSecret;
  createdAt: string;
  [field: string]: unknown;
}

/** Signing keys by kid. Version 2 keeps no private key in plain text (version 1 did). */
export const signingKeysProjection: Projection<SigningKeyDocument, SigningKeyEvent> = {
  name: 'signing_keys',
  version: 2,
  streamPrefixes: [IdentityStreams.signingKey],
  documentIds: (event) => [event.data.kid],
  evolve: (_doc, event) => {
    switch (event.type) {
      case 'SigningKeyCreated':
        return { id: event.data.kid, kid: event.data.kid, generation: 0, publicKeyPem: event.data.publicKeyPem, createdAt: event.data.createdAt };
      case 'SigningKeyGenerated':
        return { id: event.data.kid, ...event.data };
    }
  },
};
