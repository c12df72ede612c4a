import { DomainError } from '@wharf/contracts';
import type { QuotaKey } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import type { Command, Decider, Event } from '@wharf/event-store';

export type QuotaLimit = { key: QuotaKey; limit: number };

export type QuotaLimitsSet = Event<'QuotaLimitsSet', { accountId: string; limits: QuotaLimit[]; setBy: string; setAt: string }>;
export type QuotaEvent = QuotaLimitsSet;

export type SetQuotaLimits = Command<'SetQuotaLimits', { accountId: string; limits: QuotaLimit[]; actor: Principal }>;
export type QuotaCommand = SetQuotaLimits;

/** The limits set explicitly for one account; keys not set fall back to the installation's defaults. */
export type QuotaState = { limits: Partial<Record<QuotaKey, number>> };

export const initialState = (): QuotaState => ({ limits: {} });

export const evolve = (state: QuotaState, event: QuotaEvent): QuotaState => {
  switch (event.type) {
    case 'QuotaLimitsSet':
      return { limits: { ...state.limits, ...Object.fromEntries(event.data.limits.map(({ key, limit }) => [key, limit])) } };
    default:
      return state;
  }
};

/** Only the system administrator sets limits; setting the values already in force records nothing. */
export const decide = (command: QuotaCommand, state: QuotaState): QuotaEvent[] => {
  switch (command.type) {
    case 'SetQuotaLimits': {
      const { accountId, limits, actor } = command.data;
      if (!actor.systemAdmin) throw new DomainError('CATALOG.QUOTA_FORBIDDEN', { accountId });
      const keys = limits.map((l) => l.key);
      if (new Set(keys).size !== keys.length) throw new DomainError('PLATFORM.VALIDATION_FAILED', { path: 'quotas', reason: 'each quota_key may appear once' });
      const changed = limits.filter(({ key, limit }) => state.limits[key] !== limit);
      if (changed.length === 0) return [];
      return [{ type: 'QuotaLimitsSet', data: { accountId, limits: changed, setBy: actor.userId, setAt: command.metadata.now } }];
    }
    default: {
      const unknown: never = command.type;
      throw new Error(`Unknown command ${String(unknown)}`);
    }
  }
};

export const quotaDecider: Decider<QuotaState, QuotaCommand, QuotaEvent> = { decide, evolve, initialState };
