import { IdentityStreams } from '@wharf/contracts/identity';
import type { Projection } from '@wharf/read-model';
import type { SessionTokenEvent, SessionTokenIssuedData } from './session-token.decider';

export interface SessionTokenDocument extends SessionTokenIssuedData {
  id: string;
  [field: string]: unknown;
}

/** Session tokens by hash: the lookup of every authenticated management call. */
export const sessionTokensProjection: Projection<SessionTokenDocument, SessionTokenEvent> = {
  name: 'session_tokens',
  version: 1,
  streamPrefixes: [IdentityStreams.sessionToken],
  indexes: [['userId']],
  documentIds: (event) => [event.data.tokenHash],
  evolve: (_doc, event) => ({ id: event.data.tokenHash, ...event.data }),
};
