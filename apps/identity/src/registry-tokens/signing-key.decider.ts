import type { Command, Decider, Event } from '@wharf/event-store';

export interface SigningKeyData {
  kid: string;
  privateKeyPem: string;
  publicKeyPem: string;
}
export type SigningKeyCreated = Event<'SigningKeyCreated', SigningKeyData & { createdAt: string }>;
export type CreateSigningKey = Command<'CreateSigningKey', SigningKeyData>;

/**
 * The key registry tokens are signed with. It lives in the event store so every identity replica signs with
 * the same key and registries can verify with its public half; creating it twice is a no-op.
 */
export const signingKeyDecider: Decider<{ created: boolean }, CreateSigningKey, SigningKeyCreated> = {
  initialState: () => ({ created: false }),
  evolve: () => ({ created: true }),
  decide: (command, state) => (state.created ? [] : [{ type: 'SigningKeyCreated', data: { ...command.data, createdAt: command.metadata.now } }]),
};
