import { readFileSync } from 'node:fs';
import { Cron } from 'croner';
import { z } from 'zod';

/**
 * Lifecycle's settings that need more than a type: the retention schedule (cron syntax), the sync regions
 * (a JSON array, or `@/path/to/file.json` holding one) and the webhook retry schedule (durations).
 */

/** Standard Webhooks' schedule: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const STANDARD_WEBHOOK_SCHEDULE = '0s,5s,5m,30m,2h,5h,10h,10h';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const duration = z
  .string()
  .trim()
  .regex(/^\d+(ms|s|m|h)$/, 'durations look like 500ms, 5s, 5m or 2h')
  .transform((value) => {
    const [, amount, unit] = /^(\d+)(ms|s|m|h)$/.exec(value)!;
    return Number(amount) * UNITS[unit!]!;
  });

/** Delays before each attempt of a webhook delivery, comma-separated durations: in ms, one per attempt. */
export const webhookRetrySchedule = z
  .string()
  .transform((value) => value.split(','))
  .pipe(z.array(duration).min(1).max(20));

/** Five fields (minute first) or six (second first), or a nickname such as `@daily`; evaluated in UTC. */
export const cronSchedule = z.string().superRefine((pattern, ctx) => {
  try {
    new Cron(pattern, { paused: true, timezone: 'UTC' });
  } catch (error) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be a cron schedule (e.g. "0 3 * * *"): ${error instanceof Error ? error.message : String(error)}` });
  }
});

/** A registry images are synchronized to: any OCI registry, with the credentials its token endpoint takes. */
export const SyncRegionSetting = z
  .object({
    regionID: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'regionID must be 1-64 letters, digits, ".", "_" or "-"'),
    url: z
      .string()
      .url()
      .refine((url) => /^https?:\/\/[^/]+\/?$/.test(url), 'url must be http(s)://host[:port] with no path'),
    username: z.string().min(1).optional(),
    password: z.string().optional(),
  })
  .strict();
export type SyncRegionSetting = z.infer<typeof SyncRegionSetting>;

const regionList = z
  .array(SyncRegionSetting)
  .max(100)
  .refine((regions) => new Set(regions.map((r) => r.regionID)).size === regions.length, 'regionID values must be unique');

export const syncRegions = z.string().transform((value, ctx): SyncRegionSetting[] => {
  let text = value;
  if (value.startsWith('@')) {
    try {
      text = readFileSync(value.slice(1), 'utf8');
    } catch (error) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `cannot read ${value.slice(1)}: ${error instanceof Error ? error.message : String(error)}` });
      return z.NEVER;
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be a JSON array of {"regionID", "url", "username"?, "password"?}, or @/path/to/file.json' });
    return z.NEVER;
  }
  const parsed = regionList.safeParse(json);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${issue.path.join('.') || 'value'}: ${issue.message}` });
    return z.NEVER;
  }
  return parsed.data.map((region) => ({ ...region, url: region.url.replace(/\/$/, '') }));
});
