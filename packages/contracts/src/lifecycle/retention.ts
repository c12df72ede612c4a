import { z } from 'zod';
import { Principal } from '../identity';
import { rpc } from '../rpc';

/**
 * Retention policies of a repository (SWR's image "aging" rules), their runs and the history of what they
 * deleted. A policy keeps a tag when any of its rules keeps it (`algorithm: "or"`); every other tag pushed
 * before the run started is untagged, and garbage collection frees the bytes later.
 */

export const RetentionStreams = {
  /** One stream per policy: its settings and its runs (one at a time), `lifecycle.retention-<id>`. */
  policy: 'lifecycle.retention-',
  /** Revisions of this stream number the policies. */
  numbers: 'lifecycle.sequence-retention',
} as const;

export const RETENTION_LIMITS = { days: { min: 1, max: 365 }, num: { min: 1, max: 1000 } } as const;
/** Longest regular expression a tag selector takes; patterns are matched against tags of at most 128 characters. */
export const MAX_SELECTOR_PATTERN = 256;

/**
 * Whether a pattern could take exponential time on a tag: a quantified group that itself holds a quantifier
 * or an alternation (`(a+)+`, `(\d*)*`, `(x|xy)*`), or a back-reference. Such patterns are refused: selectors run in the
 * lifecycle process, where one pathological match would stall every run.
 */
export const isRiskyPattern = (pattern: string): boolean => /\\[1-9]/.test(pattern) || /\([^()]*[+*}|][^()]*\)\s*[+*{]/.test(pattern);

export const compilesAsRegExp = (pattern: string): boolean => {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
};

export const TagSelector = z
  .object({ kind: z.enum(['label', 'regexp']), pattern: z.string().min(1).max(MAX_SELECTOR_PATTERN) })
  .superRefine((selector, ctx) => {
    if (selector.kind !== 'regexp') return;
    if (!compilesAsRegExp(selector.pattern)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['pattern'], message: `${selector.pattern} is not a valid regular expression` });
    else if (isRiskyPattern(selector.pattern)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['pattern'], message: `${selector.pattern} nests quantifiers or uses back-references, which could take exponential time` });
    }
  });
export type TagSelector = z.infer<typeof TagSelector>;

const Days = z.number().int().min(RETENTION_LIMITS.days.min).max(RETENTION_LIMITS.days.max);
const Num = z.number().int().min(RETENTION_LIMITS.num.min).max(RETENTION_LIMITS.num.max);

/** `date_rule` keeps tags pushed within `days`; `tag_rule` keeps the `num` most recently pushed tags. Selectors are exceptions: tags they match are kept. */
export const RetentionRule = z.discriminatedUnion('template', [
  z.object({ template: z.literal('date_rule'), days: Days, tagSelectors: z.array(TagSelector).max(100) }),
  z.object({ template: z.literal('tag_rule'), num: Num, tagSelectors: z.array(TagSelector).max(100) }),
]);
export type RetentionRule = z.infer<typeof RetentionRule>;

/** A rule as SWR's wire shows it (and its histories' `rule_type` serializes it): parameters as strings. */
export const swrRule = (rule: RetentionRule) => ({
  template: rule.template,
  params: rule.template === 'date_rule' ? { days: String(rule.days) } : { num: String(rule.num) },
  tag_selectors: rule.tagSelectors.map(({ kind, pattern }) => ({ kind, pattern })),
});

export const RetentionPolicySettings = z.object({
  algorithm: z.literal('or'),
  rules: z.array(RetentionRule).min(1).max(10),
  /** Wharf: also keep tags whose image was pulled within this many days. */
  pulledWithinDays: Days.optional(),
  /** Wharf: also delete manifests that no tag, index or kept subject holds once the run's untagging is done. */
  untagged: z.boolean(),
});
export type RetentionPolicySettings = z.infer<typeof RetentionPolicySettings>;

export const RetentionPolicy = RetentionPolicySettings.extend({
  /** SWR's integer id, unique in the installation. */
  id: z.number().int().positive(),
  namespace: z.string(),
  /** Full repository name, `<namespace>/<name>`. */
  repository: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type RetentionPolicy = z.infer<typeof RetentionPolicy>;

/** Why a tag stays or goes: the rule (by its index in the policy) or the Wharf extension that decided. */
export const RetentionReason = z.object({
  kind: z.enum(['date_rule', 'tag_rule', 'selector', 'pulled_within', 'referrer', 'pushed_after_start', 'no_rule_keeps']),
  /** Index of the rule in `rules`, when one decided. */
  rule: z.number().int().nonnegative().optional(),
  detail: z.string(),
});
export type RetentionReason = z.infer<typeof RetentionReason>;

export const TagDecision = z.object({
  tag: z.string(),
  digest: z.string(),
  pushedAt: z.string(),
  pulledAt: z.string().optional(),
  decision: z.enum(['keep', 'delete']),
  reason: RetentionReason,
});
export type TagDecision = z.infer<typeof TagDecision>;

/** With `untagged`: a manifest no tag names, and whether the run deletes it. */
export const ManifestDecision = z.object({ digest: z.string(), decision: z.enum(['keep', 'delete']), detail: z.string() });
export type ManifestDecision = z.infer<typeof ManifestDecision>;

export const RetentionPlan = z.object({ tags: z.array(TagDecision), manifests: z.array(ManifestDecision) });
export type RetentionPlan = z.infer<typeof RetentionPlan>;

export const RetentionRun = z.object({
  runId: z.string().uuid(),
  policyId: z.number().int(),
  repository: z.string(),
  trigger: z.enum(['schedule', 'manual']),
  status: z.enum(['running', 'finished', 'failed']),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  /** What the plan at the start said would go. */
  plannedTags: z.number().int().nonnegative().optional(),
  plannedManifests: z.number().int().nonnegative().optional(),
  tagsDeleted: z.number().int().nonnegative().optional(),
  manifestsDeleted: z.number().int().nonnegative().optional(),
  resumed: z.number().int().nonnegative(),
  error: z.string().optional(),
});
export type RetentionRun = z.infer<typeof RetentionRun>;

/** One deleted tag (SWR's `RetentionLog`); `rule` is the policy's rule as SWR serializes it (`rule_type`). */
export const RetentionHistoryEntry = z.object({
  id: z.number().int(),
  namespace: z.string(),
  repository: z.string(),
  retentionId: z.number().int(),
  rule: z.string(),
  tag: z.string(),
  digest: z.string(),
  runId: z.string(),
  createdAt: z.string(),
});
export type RetentionHistoryEntry = z.infer<typeof RetentionHistoryEntry>;

const withActor = <T extends z.ZodRawShape>(shape: T) => z.object({ actor: Principal, ...shape });
const InRepository = { namespace: z.string().min(1).max(64), repository: z.string().min(1).max(255) };
const PolicyRef = { ...InRepository, id: z.number().int().positive() };

export const RetentionRpc = {
  /** Needs manage (7) on the repository. */
  create: rpc('lifecycle.retention.create', withActor({ ...InRepository, settings: RetentionPolicySettings }), z.object({ id: z.number().int() })),
  list: rpc('lifecycle.retention.list', withActor(InRepository), z.object({ policies: z.array(RetentionPolicy) })),
  get: rpc('lifecycle.retention.get', withActor(PolicyRef), z.object({ policy: RetentionPolicy })),
  /** The templates of the rules cannot change. Needs manage (7). */
  update: rpc('lifecycle.retention.update', withActor({ ...PolicyRef, settings: RetentionPolicySettings }), z.object({ updated: z.literal(true) })),
  remove: rpc('lifecycle.retention.delete', withActor(PolicyRef), z.object({ deleted: z.literal(true) })),
  /** What a run started now would do, changing nothing. Needs read (1). */
  dryRun: rpc('lifecycle.retention.dry-run', withActor(PolicyRef), RetentionPlan),
  /** Starts a run now, in the background. Needs manage (7). */
  run: rpc('lifecycle.retention.run', withActor(PolicyRef), z.object({ run: RetentionRun })),
  histories: rpc(
    'lifecycle.retention.histories',
    withActor({ ...InRepository, offset: z.number().int().nonnegative(), limit: z.number().int().positive().max(1000) }),
    z.object({ entries: z.array(RetentionHistoryEntry), total: z.number().int() }),
  ),
} as const;
