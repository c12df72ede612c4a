import { DomainError } from '@wharf/contracts';
import type { Command, Decider, Event } from '@wharf/event-store';

export interface SessionTokenIssuedData {
  tokenHash: string;
  userId: string;
  userName: string;
  accountId: string;
  issuedAt: string;
  expiresAt: string;
}
export type SessionTokenIssued = Event<'SessionTokenIssued', SessionTokenIssuedData>;
export type SessionTokenEvent = SessionTokenIssued;

export type IssueSessionToken = Command<'IssueSessionToken', Omit<SessionTokenIssuedData, 'issuedAt' | 'expiresAt'> & { ttlSeconds: number }>;
export type SessionTokenCommand = IssueSessionToken;

export type SessionTokenState = { status: 'absent' } | { status: 'issued' };

export const sessionTokenDecider: Decider<SessionTokenState, SessionTokenCommand, SessionTokenEvent> = {
  initialState: () => ({ status: 'absent' }),
  evolve: () => ({ status: 'issued' }),
  decide: (command, state) => {
    switch (command.type) {
      case 'IssueSessionToken': {
        // A token hash names its stream; a second issue would mean two holders of one secret.
        if (state.status === 'issued') throw new DomainError('PLATFORM.CONCURRENCY_CONFLICT', {});
        const { ttlSeconds, ...data } = command.data;
        const issuedAt = command.metadata.now;
        const expiresAt = new Date(Date.parse(issuedAt) + ttlSeconds * 1000).toISOString();
        return [{ type: 'SessionTokenIssued', data: { ...data, issuedAt, expiresAt } }];
      }
    }
  },
};
