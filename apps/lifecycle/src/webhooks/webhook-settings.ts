import type { WharfConfig } from '@wharf/platform';

/** Webhook deliveries' settings, from the platform's configuration (`WHARF_WEBHOOK_*`). */
export type WebhookSettings = WharfConfig['webhooks'];

/** DI token of the WebhookSettings. */
export const WEBHOOK_SETTINGS = Symbol('WEBHOOK_SETTINGS');

/**
 * When the attempt after `attemptsMade` failed ones is due: its delay in the schedule, with ±10 % jitter so that
 * the retries of many deliveries to one target spread out.
 */
export const nextAttemptAt = (settings: WebhookSettings, attemptsMade: number, now: number, random: () => number = Math.random): string => {
  const delay = settings.retrySchedule[Math.min(attemptsMade, settings.retrySchedule.length - 1)]!;
  return new Date(now + Math.round(delay * (0.9 + 0.2 * random()))).toISOString();
};
