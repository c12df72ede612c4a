import { IdentityStreams } from '@wharf/contracts/identity';
import type { Projection } from '@wharf/read-model';
import type { LoginSecretIssued, LoginSecretIssuedData } from './login-secret.decider';

export interface LoginSecretDocument extends LoginSecretIssuedData {
  id: string;
  [field: string]: unknown;
}

export const loginSecretsProjection: Projection<LoginSecretDocument, LoginSecretIssued> = {
  name: 'login_secrets',
  version: 1,
  streamPrefixes: [IdentityStreams.loginSecret],
  indexes: [['userId']],
  documentIds: (event) => [event.data.loginId],
  evolve: (_doc, event) => ({ id: event.data.loginId, ...event.data }),
};
