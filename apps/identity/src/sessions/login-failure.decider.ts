import type { Command, Decider, Event } from '@wharf/event-store';

/** Who a failed login claimed to be, as far as the name it gave finds a user or an account. */
export interface LoginClaimant {
  userId?: string;
  userName?: string;
  accountId?: string;
  accountName?: string;
}

/** A login that failed: the name as given and where it came from, never the password or secret tried. */
export type LoginFailedData = LoginClaimant & {
  via: 'keystone' | 'registry';
  login: string;
  clientAddress?: string;
  failedAt: string;
};
export type LoginFailed = Event<'LoginFailed', LoginFailedData>;

export type RecordLoginFailure = Command<'RecordLoginFailure', Omit<LoginFailedData, 'failedAt'>>;

/** Each failure is a stream of its own, so recording one never waits on another. */
export const loginFailureDecider: Decider<null, RecordLoginFailure, LoginFailed> = {
  initialState: () => null,
  evolve: (state) => state,
  decide: (command) => [{ type: 'LoginFailed', data: { ...command.data, failedAt: command.metadata.now } }],
};
