import { DomainError } from '@wharf/contracts';
import type { Command, Decider, Event } from '@wharf/event-store';

export interface LoginSecretIssuedData {
  loginId: string;
  kind: 'temporary' | 'enhanced';
  userId: string;
  userName: string;
  accountId: string;
  passwordHash: string;
  issuedAt: string;
  expiresAt: string;
}
export type LoginSecretIssued = Event<'LoginSecretIssued', LoginSecretIssuedData>;
export type IssueLoginSecret = Command<'IssueLoginSecret', Omit<LoginSecretIssuedData, 'issuedAt' | 'expiresAt'> & { ttlSeconds: number }>;

/** SWR's temporary docker logins; ids are random and never reused. */
export const loginSecretDecider: Decider<{ issued: boolean }, IssueLoginSecret, LoginSecretIssued> = {
  initialState: () => ({ issued: false }),
  evolve: () => ({ issued: true }),
  decide: (command, state) => {
    if (state.issued) throw new DomainError('PLATFORM.CONCURRENCY_CONFLICT', {});
    const { ttlSeconds, ...data } = command.data;
    const issuedAt = command.metadata.now;
    const expiresAt = new Date(Date.parse(issuedAt) + ttlSeconds * 1000).toISOString();
    return [{ type: 'LoginSecretIssued', data: { ...data, issuedAt, expiresAt } }];
  },
};
