import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { Principal } from '@wharf/contracts/identity';
import { RetentionRpc, swrRule, type RetentionPolicy, type RetentionPolicySettings, type RetentionRule } from '@wharf/contracts/lifecycle';
import type { ServiceClient } from '@wharf/transport';
import type { Response } from 'express';
import { z } from 'zod';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { SERVICES } from '../services';
import { parseInput } from '../validation';
import { contentRange, integer, parseSwrListQuery, repositoryFromPath } from './swr-query';

/** SWR sends rule parameters as strings (`"30"`); numbers are accepted too. */
const Count = z.union([z.number().int(), z.string().regex(/^\d{1,9}$/, 'must be a whole number').transform(Number)]);

const WireRule = z.discriminatedUnion('template', [
  z.object({ template: z.literal('date_rule'), params: z.object({ days: Count }), tag_selectors: z.array(z.unknown()) }),
  z.object({ template: z.literal('tag_rule'), params: z.object({ num: Count }), tag_selectors: z.array(z.unknown()) }),
]);
/** `pulled_within` (days) and `untagged` are Wharf's extensions. */
const WirePolicy = z.object({
  algorithm: z.literal('or'),
  rules: z.array(WireRule),
  pulled_within: Count.optional(),
  untagged: z.boolean().optional(),
});

/** The policy as the lifecycle service takes it; ranges and selectors are checked there (one schema). */
const settingsOf = (body: unknown): RetentionPolicySettings => {
  const wire = parseInput(WirePolicy, body);
  const rules = wire.rules.map((rule): RetentionRule => {
    const tagSelectors = rule.tag_selectors as RetentionRule['tagSelectors'];
    return rule.template === 'date_rule' ? { template: 'date_rule', days: rule.params.days, tagSelectors } : { template: 'tag_rule', num: rule.params.num, tagSelectors };
  });
  return { algorithm: 'or', rules, untagged: wire.untagged ?? false, ...(wire.pulled_within !== undefined ? { pulledWithinDays: wire.pulled_within } : {}) };
};

/** SWR's `Retention`: `scope` is reserved and always "". */
const wirePolicy = (policy: RetentionPolicy) => ({
  algorithm: policy.algorithm,
  id: policy.id,
  rules: policy.rules.map(swrRule),
  scope: '',
  untagged: policy.untagged,
  ...(policy.pulledWithinDays !== undefined ? { pulled_within: String(policy.pulledWithinDays) } : {}),
});

const policyId = (value: string): number => integer('retention_id', value, 1, 2_147_483_647);

/**
 * SWR image retention policies (§1.2.11), with Wharf's dry run and run on demand. `histories` is declared
 * before `:retention`, so it is never read as an id.
 */
@Controller('v2/manage/namespaces/:namespace/repos/:repository/retentions')
@UseGuards(AuthenticatedGuard)
export class SwrRetentionsController {
  constructor(@Inject(SERVICES) private readonly services: ServiceClient) {}

  @Post()
  @HttpCode(201)
  create(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Param('repository') repository: string, @Body() body: unknown) {
    return this.services.call(RetentionRpc.create, { actor, namespace, repository: repositoryFromPath(repository), settings: settingsOf(body) });
  }

  @Get()
  async list(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Param('repository') repository: string) {
    const { policies } = await this.services.call(RetentionRpc.list, { actor, namespace, repository: repositoryFromPath(repository) });
    return policies.map(wirePolicy);
  }

  /** `{retention_log, total}`, newest first, with `Content-Range`; `limit`/`offset` or `filter=limit::…|offset::…`. */
  @Get('histories')
  async histories(
    @CurrentPrincipal() actor: Principal,
    @Param('namespace') namespace: string,
    @Param('repository') repository: string,
    @Query() query: Record<string, unknown>,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { offset, limit } = parseSwrListQuery(query, ['limit', 'offset'], []);
    const { entries, total } = await this.services.call(RetentionRpc.histories, { actor, namespace, repository: repositoryFromPath(repository), offset, limit });
    response.setHeader('Content-Range', contentRange(offset, entries.length, total));
    const retention_log = entries.map((entry) => ({
      created_at: entry.createdAt,
      id: entry.id,
      namespace: entry.namespace,
      repo: entry.repository.slice(entry.namespace.length + 1),
      retention_id: entry.retentionId,
      rule_type: entry.rule,
      tag: entry.tag,
    }));
    return { retention_log, total };
  }

  @Get(':retention')
  async get(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Param('repository') repository: string, @Param('retention') id: string) {
    const { policy } = await this.services.call(RetentionRpc.get, { actor, namespace, repository: repositoryFromPath(repository), id: policyId(id) });
    return wirePolicy(policy);
  }

  /** 201 with no body, as SWR documents; the templates of the rules cannot change. */
  @Patch(':retention')
  @HttpCode(201)
  async update(
    @CurrentPrincipal() actor: Principal,
    @Param('namespace') namespace: string,
    @Param('repository') repository: string,
    @Param('retention') id: string,
    @Body() body: unknown,
  ): Promise<void> {
    await this.services.call(RetentionRpc.update, { actor, namespace, repository: repositoryFromPath(repository), id: policyId(id), settings: settingsOf(body) });
  }

  /** 200 with `{}` (not 204), as SWR documents. */
  @Delete(':retention')
  @HttpCode(200)
  async remove(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Param('repository') repository: string, @Param('retention') id: string) {
    await this.services.call(RetentionRpc.remove, { actor, namespace, repository: repositoryFromPath(repository), id: policyId(id) });
    return {};
  }

  /** Wharf: every tag with `keep` or `delete` and what decided it; changes nothing. */
  @Post(':retention/dry_run')
  @HttpCode(200)
  async dryRun(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Param('repository') repository: string, @Param('retention') id: string) {
    const plan = await this.services.call(RetentionRpc.dryRun, { actor, namespace, repository: repositoryFromPath(repository), id: policyId(id) });
    return {
      tags: plan.tags.map((t) => ({
        tag: t.tag,
        digest: t.digest,
        pushed_at: t.pushedAt,
        ...(t.pulledAt ? { pulled_at: t.pulledAt } : {}),
        decision: t.decision,
        reason: t.reason.kind,
        ...(t.reason.rule !== undefined ? { rule: t.reason.rule } : {}),
        detail: t.reason.detail,
      })),
      manifests: plan.manifests,
    };
  }

  /** Wharf: starts a run now (202); its untaggings show in `histories` as they happen. */
  @Post(':retention/run')
  @HttpCode(202)
  async run(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Param('repository') repository: string, @Param('retention') id: string) {
    const { run } = await this.services.call(RetentionRpc.run, { actor, namespace, repository: repositoryFromPath(repository), id: policyId(id) });
    return { run_id: run.runId, retention_id: run.policyId, status: run.status, started_at: run.startedAt };
  }
}
