import type { Command, Decider, Event } from '@wharf/event-store';
import type { SealedSecret } from '@wharf/platform';

/** Written before private keys were sealed: its private half is in plain text. Replayed for its public half only. */
export type SigningKeyCreated = Event<'SigningKeyCreated', { kid: string; privateKeyPem: string; publicKeyPem: string; createdAt: string }>;

export interface SigningKeyGeneratedData {
  kid: string;
  /** Keys follow one another: generation n+1 replaces generation n for signing. */
  generation: number;
  publicKeyPem: string;
  /** The PKCS#8 private key, sealed with the operator key (the kid is the authenticated context). */
  sealedPrivateKey: SealedSecret;
  createdAt: string;
}
export type SigningKeyGenerated = Event<'SigningKeyGenerated', SigningKeyGeneratedData>;
export type SigningKeyEvent = SigningKeyCreated | SigningKeyGenerated;

export type GenerateSigningKey = Command<'GenerateSigningKey', Omit<SigningKeyGeneratedData, 'createdAt'>>;

/**
 * One stream per generation, so identity replicas rotating at the same moment agree on a single key: the first
 * generation written wins and the others' commands are no-ops.
 */
export const signingKeyDecider: Decider<{ generated: boolean }, GenerateSigningKey, SigningKeyEvent> = {
  initialState: () => ({ generated: false }),
  evolve: () => ({ generated: true }),
  decide: (command, state) => (state.generated ? [] : [{ type: 'SigningKeyGenerated', data: { ...command.data, createdAt: command.metadata.now } }]),
};
