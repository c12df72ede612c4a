import { swrRule, type RetentionPolicySettings, type RetentionRule, type TagDecision } from '@wharf/contracts/lifecycle';
import { planRetention, type ManifestFact, type TagFact } from './retention-rules';

const NOW = '2026-06-30T12:00:00.000Z';
const daysAgo = (days: number): string => new Date(Date.parse(NOW) - days * 24 * 3600 * 1000).toISOString();
const digest = (n: number | string): string => `sha256:${String(n).padStart(64, '0')}`;
const image = (n: number | string, pushedDaysAgo = 100, extra: Partial<ManifestFact> = {}): ManifestFact => ({ digest: digest(n), children: [], pushedAt: daysAgo(pushedDaysAgo), ...extra });
const tag = (name: string, n: number | string, pushedDaysAgo: number, pulledDaysAgo?: number): TagFact => ({
  tag: name,
  digest: digest(n),
  pushedAt: daysAgo(pushedDaysAgo),
  ...(pulledDaysAgo !== undefined ? { pulledAt: daysAgo(pulledDaysAgo) } : {}),
});
const dateRule = (days: number, tagSelectors: RetentionRule['tagSelectors'] = []): RetentionRule => ({ template: 'date_rule', days, tagSelectors });
const tagRule = (num: number, tagSelectors: RetentionRule['tagSelectors'] = []): RetentionRule => ({ template: 'tag_rule', num, tagSelectors });
const policy = (rules: RetentionRule[], extra: Partial<RetentionPolicySettings> = {}): RetentionPolicySettings => ({ algorithm: 'or', rules, untagged: false, ...extra });

/** given the repository's tags and manifests, when the policy is planned at NOW, then these tags go. */
const given = (tags: TagFact[], manifests: ManifestFact[] = tags.map((t) => image(t.digest.slice(-3), 100))) => ({
  when: (settings: RetentionPolicySettings) => {
    const plan = planRetention(settings, { tags, manifests, now: NOW });
    const byTag = new Map(plan.tags.map((d) => [d.tag, d]));
    return {
      plan,
      decision: (name: string): TagDecision => byTag.get(name)!,
      deleted: () => plan.tags.filter((d) => d.decision === 'delete').map((d) => d.tag).sort(),
    };
  },
});

describe('retention rules', () => {
  it('date_rule keeps the tags pushed within N days and deletes the older ones', () => {
    const result = given([tag('old', 1, 40), tag('edge', 2, 30), tag('new', 3, 1)]).when(policy([dateRule(30)]));
    expect(result.deleted()).toEqual(['old']);
    expect(result.decision('edge').reason).toEqual({ kind: 'date_rule', rule: 0, detail: 'pushed within 30 days' });
    expect(result.decision('old').reason.kind).toBe('no_rule_keeps');
  });

  it('tag_rule keeps the N most recently pushed tags', () => {
    const result = given([tag('a', 1, 5), tag('b', 2, 4), tag('c', 3, 3), tag('d', 4, 2)]).when(policy([tagRule(2)]));
    expect(result.deleted()).toEqual(['a', 'b']);
    expect(result.decision('d').reason).toMatchObject({ kind: 'tag_rule', rule: 0 });
  });

  it('tag_rule keeps every tag pushed at the same instant as the last one it keeps (ties never pick a loser)', () => {
    const result = given([tag('a', 1, 9), tag('b', 2, 3), tag('c', 3, 3), tag('d', 4, 1)]).when(policy([tagRule(2)]));
    expect(result.deleted()).toEqual(['a']);
  });

  it('tag_rule with fewer tags than N deletes nothing', () => {
    expect(given([tag('a', 1, 500), tag('b', 2, 400)]).when(policy([tagRule(5)])).deleted()).toEqual([]);
  });

  it('"or": a tag kept by any rule stays', () => {
    const tags = [tag('ancient-1', 1, 300), tag('ancient-2', 2, 200), tag('recent', 3, 2)];
    const result = given(tags).when(policy([dateRule(7), tagRule(2)]));
    expect(result.deleted()).toEqual(['ancient-1']);
    expect(result.decision('recent').reason.rule).toBe(0);
    expect(result.decision('ancient-2').reason).toMatchObject({ kind: 'tag_rule', rule: 1 });
  });

  it('selectors are exceptions: labels match exactly, regexps anywhere in the tag', () => {
    const tags = [tag('v5', 1, 90), tag('v50', 2, 90), tag('123', 3, 90), tag('release-1', 4, 90), tag('x123y', 5, 90)];
    const result = given(tags).when(
      policy([
        dateRule(30, [
          { kind: 'label', pattern: 'v5' },
          { kind: 'regexp', pattern: '^123$' },
          { kind: 'regexp', pattern: 'release' },
        ]),
      ]),
    );
    expect(result.deleted()).toEqual(['v50', 'x123y']);
    expect(result.decision('v5').reason).toEqual({ kind: 'selector', rule: 0, detail: 'matches the label exception "v5"' });
    expect(result.decision('release-1').reason.detail).toContain('regexp');
  });

  it('pulled_within keeps tags whose image was pulled recently, whatever the rules say', () => {
    const tags = [tag('pulled', 1, 200, 3), tag('pulled-long-ago', 2, 200, 60), tag('never-pulled', 3, 200)];
    const result = given(tags).when(policy([dateRule(30)], { pulledWithinDays: 7 }));
    expect(result.deleted()).toEqual(['never-pulled', 'pulled-long-ago']);
    expect(result.decision('pulled').reason.kind).toBe('pulled_within');
  });

  it('decides tags naming one digest one by one: the image stays while any of its tags is kept', () => {
    const tags = [tag('latest', 7, 1), tag('v1', 7, 90), tag('v0', 6, 120)];
    const result = given(tags, [image(7, 90), image(6, 120)]).when(policy([dateRule(30)], { untagged: true }));
    expect(result.deleted()).toEqual(['v0', 'v1']);
    // v1's image is still named by latest: only v0's manifest ends untagged.
    expect(result.plan.manifests).toEqual([{ digest: digest(6), decision: 'delete', detail: 'no tag, kept index or kept subject holds it' }]);
  });

  it('never deletes a tag pushed after the run started, and does not count it', () => {
    const tags = [tag('older', 1, 3), tag('old', 2, 2), { tag: 'racing', digest: digest(3), pushedAt: '2026-06-30T12:00:01.000Z' }];
    const result = given(tags).when(policy([tagRule(1)]));
    expect(result.deleted()).toEqual(['older']);
    expect(result.decision('racing').reason.kind).toBe('pushed_after_start');
  });

  describe('indexes and their children', () => {
    const index = image('1d', 50, { children: [digest('c1'), digest('c2')] });
    const children = [image('c1', 50), image('c2', 50)];

    it('keeps the children of a kept index, and a platform tag on a child goes by its own age', () => {
      const result = given([tag('multi', '1d', 5), tag('amd64-only', 'c1', 50)], [index, ...children]).when(policy([dateRule(30)], { untagged: true }));
      expect(result.deleted()).toEqual(['amd64-only']);
      expect(result.plan.manifests.map((m) => [m.digest, m.decision])).toEqual([
        [digest('c1'), 'keep'],
        [digest('c2'), 'keep'],
      ]);
    });

    it('deletes an expired index with its children once nothing else holds them', () => {
      const result = given([tag('multi', '1d', 50)], [index, ...children]).when(policy([dateRule(30)], { untagged: true }));
      expect(result.deleted()).toEqual(['multi']);
      expect(result.plan.manifests.filter((m) => m.decision === 'delete').map((m) => m.digest).sort()).toEqual([digest('1d'), digest('c1'), digest('c2')].sort());
    });

    it('without `untagged`, only tags go and manifests are left to garbage collection', () => {
      expect(given([tag('multi', '1d', 50)], [index, ...children]).when(policy([dateRule(30)])).plan.manifests).toEqual([]);
    });
  });

  describe('referrers of kept images', () => {
    const subject = image('a', 60);
    const signature = image('5', 60, { subject: digest('a') });
    const sbom = image('6', 60, { subject: digest('a') });
    const sbomSignature = image('7', 60, { subject: digest('6') });

    it('keeps tagged referrers (and their referrers) while their subject is kept', () => {
      const tags = [tag('app', 'a', 60), tag('app-sig', '5', 60), tag('app-sbom', '6', 60), tag('sbom-sig', '7', 60)];
      const result = given(tags, [subject, signature, sbom, sbomSignature]).when(policy([dateRule(30, [{ kind: 'label', pattern: 'app' }])]));
      expect(result.deleted()).toEqual([]);
      expect(result.decision('app-sig').reason).toEqual({ kind: 'referrer', detail: `refers to ${digest('a')}, which is kept` });
      expect(result.decision('sbom-sig').reason.kind).toBe('referrer');
    });

    it("keeps cosign's sha256-<hex>.sig tags of a kept image", () => {
      const cosignTag = `sha256-${'0'.repeat(63)}a.sig`;
      const result = given([tag('app', 'a', 60), tag(cosignTag, '9', 60)], [subject, image('9', 60)]).when(policy([tagRule(1, [{ kind: 'label', pattern: 'app' }])]));
      expect(result.decision(cosignTag).decision).toBe('keep');
    });

    it('lets referrers go with their subject, and keeps untagged referrers of kept images with `untagged`', () => {
      const expired = given([tag('app', 'a', 60), tag('app-sig', '5', 60)], [subject, signature]).when(policy([dateRule(30)], { untagged: true }));
      expect(expired.deleted()).toEqual(['app', 'app-sig']);
      expect(expired.plan.manifests.every((m) => m.decision === 'delete')).toBe(true);

      const kept = given([tag('app', 'a', 5)], [image('a', 5), signature, sbom]).when(policy([dateRule(30)], { untagged: true }));
      expect(kept.plan.manifests.map((m) => m.decision)).toEqual(['keep', 'keep']);
    });
  });

  it('shows a rule in SWR wire form, params as strings', () => {
    expect(swrRule(tagRule(7))).toEqual({ template: 'tag_rule', params: { num: '7' }, tag_selectors: [] });
    expect(JSON.stringify(swrRule(dateRule(30, [{ kind: 'regexp', pattern: '^v' }])))).toBe(
      '{"template":"date_rule","params":{"days":"30"},"tag_selectors":[{"kind":"regexp","pattern":"^v"}]}',
    );
  });
});
