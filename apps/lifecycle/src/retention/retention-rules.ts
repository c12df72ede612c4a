import type { ManifestDecision, RetentionPlan, RetentionPolicySettings, RetentionReason, RetentionRule, TagDecision, TagSelector } from '@wharf/contracts/lifecycle';

/**
 * Retention's decisions as a pure function of a repository's tags (with when each was pushed and when its image
 * was last pulled), its manifests, and `now` (a run's start). A policy keeps a tag when any rule keeps it:
 * - `date_rule` keeps tags pushed within `days` of now;
 * - `tag_rule` keeps the `num` most recently pushed tags, and every tag pushed at the same instant as the last
 *   of those (a tie never decides which of two equally recent tags goes);
 * - a rule's tag selectors are exceptions: a tag one matches (`label` exactly, `regexp` anywhere) is kept;
 * - `pulledWithinDays` (Wharf) keeps tags whose image was pulled within that many days;
 * - a tag whose manifest refers to a kept image (an OCI referrer's `subject`, or cosign's `sha256-<hex>.sig`,
 *   `.att`, `.sbom` tags) is kept with it: signatures and SBOMs go only with their image;
 * - a tag pushed after now is never a candidate.
 * Tags naming one digest are decided one by one: deleting one only untags it, and the image stays while another
 * tag keeps it. With `untagged` (Wharf), manifests that end without a tag are deleted too unless a kept index
 * lists them, they refer to a kept image, or they were pushed after now. Times are ISO-8601 UTC and compare as text.
 */

export interface TagFact {
  tag: string;
  digest: string;
  pushedAt: string;
  /** When the image the tag names was last pulled. */
  pulledAt?: string;
}

export interface ManifestFact {
  digest: string;
  /** An index's manifests. */
  children: readonly string[];
  subject?: string;
  pushedAt: string;
}

export interface RetentionInput {
  tags: readonly TagFact[];
  manifests: readonly ManifestFact[];
  now: string;
}

const DAY_MS = 24 * 3600 * 1000;
const daysBefore = (now: string, days: number): string => new Date(Date.parse(now) - days * DAY_MS).toISOString();

/** cosign's tag for the signature, attestation or SBOM of `<algorithm>:<hex>`. */
const COSIGN_TAG = /^([a-z0-9]+)-([a-f0-9]{32,})\.(sig|att|sbom)$/;

/** A selector as a test of a tag (`label` exactly, `regexp` anywhere in the tag). */
export const selectorMatcher = (selector: TagSelector): ((tag: string) => boolean) => {
  if (selector.kind === 'label') return (tag) => tag === selector.pattern;
  const expression = new RegExp(selector.pattern);
  return (tag) => expression.test(tag);
};

const describe = (rule: RetentionRule): string => (rule.template === 'date_rule' ? `pushed within ${rule.days} days` : `among the ${rule.num} most recently pushed`);

/** The tags one rule keeps by its criterion (not its selectors). */
const keptByCriterion = (rule: RetentionRule, candidates: readonly TagFact[], now: string): Set<string> => {
  if (rule.template === 'date_rule') {
    const since = daysBefore(now, rule.days);
    return new Set(candidates.filter((t) => t.pushedAt >= since).map((t) => t.tag));
  }
  const newestFirst = [...candidates].sort((a, b) => (a.pushedAt === b.pushedAt ? 0 : a.pushedAt < b.pushedAt ? 1 : -1));
  const last = newestFirst[rule.num - 1];
  if (!last) return new Set(newestFirst.map((t) => t.tag));
  return new Set(newestFirst.filter((t) => t.pushedAt >= last.pushedAt).map((t) => t.tag));
};

/** Digests held by the kept ones: an index's children and the referrers of a kept subject, transitively. */
const closure = (roots: Iterable<string>, manifests: ReadonlyMap<string, ManifestFact>, referrers: ReadonlyMap<string, string[]>): Set<string> => {
  const held = new Set<string>();
  const pending = [...roots];
  while (pending.length > 0) {
    const digest = pending.pop()!;
    if (held.has(digest)) continue;
    held.add(digest);
    for (const child of manifests.get(digest)?.children ?? []) pending.push(child);
    for (const referrer of referrers.get(digest) ?? []) pending.push(referrer);
  }
  return held;
};

/** The subject a tag's manifest refers to, by its `subject` or by cosign's tag naming. */
const subjectOf = (tag: TagFact, manifests: ReadonlyMap<string, ManifestFact>): string | undefined => {
  const subject = manifests.get(tag.digest)?.subject;
  if (subject) return subject;
  const cosign = COSIGN_TAG.exec(tag.tag);
  return cosign ? `${cosign[1]}:${cosign[2]}` : undefined;
};

export const planRetention = (policy: RetentionPolicySettings, input: RetentionInput): RetentionPlan => {
  const { now } = input;
  const manifests = new Map(input.manifests.map((m) => [m.digest, m]));
  const referrers = new Map<string, string[]>();
  for (const m of input.manifests) if (m.subject) referrers.set(m.subject, [...(referrers.get(m.subject) ?? []), m.digest]);

  const candidates = input.tags.filter((t) => t.pushedAt <= now);
  const reasons = new Map<string, RetentionReason>();
  const keep = (tag: string, reason: RetentionReason) => {
    if (!reasons.has(tag)) reasons.set(tag, reason);
  };
  for (const t of input.tags) if (t.pushedAt > now) keep(t.tag, { kind: 'pushed_after_start', detail: `pushed at ${t.pushedAt}, after the run started` });

  policy.rules.forEach((rule, index) => {
    const byCriterion = keptByCriterion(rule, candidates, now);
    const selectors = rule.tagSelectors.map((selector) => ({ selector, matches: selectorMatcher(selector) }));
    for (const t of candidates) {
      const selector = selectors.find((s) => s.matches(t.tag))?.selector;
      if (selector) keep(t.tag, { kind: 'selector', rule: index, detail: `matches the ${selector.kind} exception ${JSON.stringify(selector.pattern)}` });
      else if (byCriterion.has(t.tag)) keep(t.tag, { kind: rule.template, rule: index, detail: describe(rule) });
    }
  });
  if (policy.pulledWithinDays !== undefined) {
    const since = daysBefore(now, policy.pulledWithinDays);
    for (const t of candidates) if (t.pulledAt !== undefined && t.pulledAt >= since) keep(t.tag, { kind: 'pulled_within', detail: `pulled at ${t.pulledAt}, within ${policy.pulledWithinDays} days` });
  }
  // Referrers follow their subjects: repeat until no kept image gains a referrer tag.
  for (let grew = true; grew; ) {
    grew = false;
    const held = closure(input.tags.filter((t) => reasons.has(t.tag)).map((t) => t.digest), manifests, referrers);
    for (const t of candidates) {
      const subject = reasons.has(t.tag) ? undefined : subjectOf(t, manifests);
      if (subject && held.has(subject)) {
        keep(t.tag, { kind: 'referrer', detail: `refers to ${subject}, which is kept` });
        grew = true;
      }
    }
  }

  const tags: TagDecision[] = input.tags.map((t) => {
    const reason = reasons.get(t.tag);
    return {
      tag: t.tag,
      digest: t.digest,
      pushedAt: t.pushedAt,
      ...(t.pulledAt ? { pulledAt: t.pulledAt } : {}),
      decision: reason ? 'keep' : 'delete',
      reason: reason ?? { kind: 'no_rule_keeps', detail: `no rule keeps it (${policy.rules.map(describe).join('; ')})` },
    };
  });
  return { tags, manifests: policy.untagged ? untaggedDecisions(input, tags, manifests, referrers) : [] };
};

/** What becomes of the manifests no tag names once the run's untagging is done. */
const untaggedDecisions = (
  input: RetentionInput,
  tags: readonly TagDecision[],
  manifests: ReadonlyMap<string, ManifestFact>,
  referrers: ReadonlyMap<string, string[]>,
): ManifestDecision[] => {
  const stillTagged = new Set(tags.filter((t) => t.decision === 'keep').map((t) => t.digest));
  const fresh = input.manifests.filter((m) => m.pushedAt > input.now).map((m) => m.digest);
  const held = closure([...stillTagged, ...fresh], manifests, referrers);
  return input.manifests
    .filter((m) => !stillTagged.has(m.digest))
    .map((m): ManifestDecision => {
      if (m.pushedAt > input.now) return { digest: m.digest, decision: 'keep', detail: 'pushed after the run started' };
      if (held.has(m.digest)) return { digest: m.digest, decision: 'keep', detail: 'listed by a kept index, or refers to a kept image' };
      return { digest: m.digest, decision: 'delete', detail: 'no tag, kept index or kept subject holds it' };
    });
};
