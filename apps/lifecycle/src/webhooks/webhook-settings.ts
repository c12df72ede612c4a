import { ConfigError } from '@wharf/platform';
import { z } from 'zod';

/** DI token of the parsed WebhookSettings. */
export const WEBHOOK_SETTINGS = Symbol('WEBHOOK_SETTINGS');

export interface WebhookSettings {
  /** Delay before each attempt, in ms: the first entry before the first attempt; its length is the number of attempts. */
  retrySchedule: number[];
  /** How long one attempt may take, in ms. */
  timeoutMs: number;
  /** Whether targets on loopback, link-local and private addresses are allowed (off: refused). */
  allowPrivate: boolean;
}

/** Standard Webhooks' schedule: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const STANDARD_SCHEDULE = '0s,5s,5m,30m,2h,5h,10h,10h';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const duration = z
  .string()
  .trim()
  .regex(/^\d+(ms|s|m|h)$/, 'durations look like 500ms, 5s, 5m or 2h')
  .transform((value) => {
    const [, amount, unit] = /^(\d+)(ms|s|m|h)$/.exec(value)!;
    return Number(amount) * UNITS[unit!]!;
  });

const Settings = z.object({
  WHARF_WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .default(STANDARD_SCHEDULE)
    .transform((value) => value.split(','))
    .pipe(z.array(duration).min(1).max(20)),
  WHARF_WEBHOOK_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(300).default(15),
  WHARF_WEBHOOK_ALLOW_PRIVATE: z.enum(['true', 'false']).default('false'),
});

/** Parses the webhook settings from the environment; a bad value throws a ConfigError naming the variable. */
export const loadWebhookSettings = (env: NodeJS.ProcessEnv = process.env): WebhookSettings => {
  const present = Object.fromEntries(Object.entries(env).filter(([key, value]) => key.startsWith('WHARF_WEBHOOK_') && value !== undefined && value !== ''));
  const parsed = Settings.safeParse(present);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path[0] ?? ''}: ${issue.message}`));
  return {
    retrySchedule: parsed.data.WHARF_WEBHOOK_RETRY_SCHEDULE,
    timeoutMs: parsed.data.WHARF_WEBHOOK_TIMEOUT_SECONDS * 1000,
    allowPrivate: parsed.data.WHARF_WEBHOOK_ALLOW_PRIVATE === 'true',
  };
};

/**
 * When the attempt after `attemptsMade` failed ones is due: its delay in the schedule, with ±10 % jitter so that
 * the retries of many deliveries to one target spread out.
 */
export const nextAttemptAt = (settings: WebhookSettings, attemptsMade: number, now: number, random: () => number = Math.random): string => {
  const delay = settings.retrySchedule[Math.min(attemptsMade, settings.retrySchedule.length - 1)]!;
  return new Date(now + Math.round(delay * (0.9 + 0.2 * random()))).toISOString();
};
