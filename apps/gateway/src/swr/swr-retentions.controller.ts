import { Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Res, UseGuards } from '@nestjs/common';
import type { Principal } from '@wharf/contracts/identity';
import { ManifestDecision, RetentionReason, RetentionRpc, swrRule, type RetentionPolicy, type RetentionPolicySettings, type RetentionRule } from '@wharf/contracts/lifecycle';
import type { ServiceClient } from '@wharf/transport';
import type { Response } from 'express';
import { z } from 'zod';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ApiRoutes } from '../openapi/dialects';
import { ValidBody, ValidParam, ValidQuery } from '../openapi/input';
import { Returns } from '../openapi/responses';
import { SERVICES } from '../services';
import { swrInvalid } from './swr-errors';
import { contentRange, repositoryFromPath, swrInteger, swrPagingQuery } from './swr-query';

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
const settingsOf = (wire: z.output<typeof WirePolicy>): RetentionPolicySettings => {
  const rules = wire.rules.map((rule): RetentionRule => {
    const tagSelectors = rule.tag_selectors as RetentionRule['tagSelectors'];
    return rule.template === 'date_rule' ? { template: 'date_rule', days: rule.params.days, tagSelectors } : { template: 'tag_rule', num: rule.params.num, tagSelectors };
  });
  return { algorithm: 'or', rules, untagged: wire.untagged ?? false, ...(wire.pulled_within !== undefined ? { pulledWithinDays: wire.pulled_within } : {}) };
};

const SwrRule = z.object({
  template: z.enum(['date_rule', 'tag_rule']),
  params: z.union([z.object({ days: z.string() }), z.object({ num: z.string() })]),
  tag_selectors: z.array(z.object({ kind: z.enum(['label', 'regexp']), pattern: z.string() })),
});
const SwrRetention = z.object({
  algorithm: z.literal('or'),
  id: z.number().int(),
  rules: z.array(SwrRule),
  scope: z.literal('').describe('Reserved by SWR'),
  untagged: z.boolean().describe('Wharf: also deletes manifests nothing holds'),
  pulled_within: z.string().optional().describe('Wharf: keeps tags pulled within this many days'),
});
const SwrRetentionLog = z.object({
  created_at: z.string(),
  id: z.number().int(),
  namespace: z.string(),
  repo: z.string(),
  retention_id: z.number().int(),
  rule_type: z.string().describe('The rule that deleted the tag, as a JSON string'),
  tag: z.string(),
});
const DryRun = z.object({
  tags: z.array(
    z.object({
      tag: z.string(),
      digest: z.string(),
      pushed_at: z.string(),
      pulled_at: z.string().optional(),
      decision: z.enum(['keep', 'delete']),
      reason: RetentionReason.shape.kind,
      rule: z.number().int().optional().describe('Index of the rule in `rules` that decided'),
      detail: z.string(),
    }),
  ),
  manifests: z.array(ManifestDecision),
});
const RunStarted = z.object({ run_id: z.string(), retention_id: z.number().int(), status: z.string(), started_at: z.string() });

const RetentionId = swrInteger('retention_id', 1, 2_147_483_647);

/** SWR's `Retention`: `scope` is reserved and always "". */
const wirePolicy = (policy: RetentionPolicy): z.input<typeof SwrRetention> => ({
  algorithm: policy.algorithm,
  id: policy.id,
  rules: policy.rules.map(swrRule),
  scope: '',
  untagged: policy.untagged,
  ...(policy.pulledWithinDays !== undefined ? { pulled_within: String(policy.pulledWithinDays) } : {}),
});

/**
 * SWR image retention policies (§1.2.11), with Wharf's dry run and run on demand. `histories` is declared
 * before `:retention`, so it is never read as an id.
 */
@Controller('v2/manage/namespaces/:namespace/repos/:repository/retentions')
@UseGuards(AuthenticatedGuard)
@ApiRoutes('swr', 'SWR: image retention policies')
export class SwrRetentionsController {
  constructor(@Inject(SERVICES) private readonly services: ServiceClient) {}

  @Post()
  @HttpCode(201)
  @Returns(201, z.object({ id: z.number().int() }))
  create(
    @CurrentPrincipal() actor: Principal,
    @Param('namespace') namespace: string,
    @Param('repository') repository: string,
    @ValidBody(WirePolicy, swrInvalid()) body: z.output<typeof WirePolicy>,
  ) {
    return this.services.call(RetentionRpc.create, { actor, namespace, repository: repositoryFromPath(repository), settings: settingsOf(body) });
  }

  @Get()
  @Returns(200, z.array(SwrRetention))
  async list(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Param('repository') repository: string) {
    const { policies } = await this.services.call(RetentionRpc.list, { actor, namespace, repository: repositoryFromPath(repository) });
    return policies.map(wirePolicy);
  }

  /** `{retention_log, total}`, newest first, with `Content-Range`; `limit`/`offset` or `filter=limit::…|offset::…`. */
  @Get('histories')
  @Returns(200, z.object({ retention_log: z.array(SwrRetentionLog), total: z.number().int() }), { headers: { 'Content-Range': '{offset}-{count}/{total}' } })
  async histories(
    @CurrentPrincipal() actor: Principal,
    @Param('namespace') namespace: string,
    @Param('repository') repository: string,
    @ValidQuery(swrPagingQuery, swrInvalid()) { offset, limit }: z.output<typeof swrPagingQuery>,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { entries, total } = await this.services.call(RetentionRpc.histories, { actor, namespace, repository: repositoryFromPath(repository), offset, limit });
    response.setHeader('Content-Range', contentRange(offset, entries.length, total));
    const retention_log = entries.map((entry): z.input<typeof SwrRetentionLog> => ({
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
  @Returns(200, SwrRetention)
  async get(
    @CurrentPrincipal() actor: Principal,
    @Param('namespace') namespace: string,
    @Param('repository') repository: string,
    @ValidParam('retention', RetentionId, swrInvalid()) id: number,
  ) {
    const { policy } = await this.services.call(RetentionRpc.get, { actor, namespace, repository: repositoryFromPath(repository), id });
    return wirePolicy(policy);
  }

  /** 201 with no body, as SWR documents; the templates of the rules cannot change. */
  @Patch(':retention')
  @HttpCode(201)
  @Returns(201, undefined, { description: 'Changed; no body' })
  async update(
    @CurrentPrincipal() actor: Principal,
    @Param('namespace') namespace: string,
    @Param('repository') repository: string,
    @ValidParam('retention', RetentionId, swrInvalid()) id: number,
    @ValidBody(WirePolicy, swrInvalid()) body: z.output<typeof WirePolicy>,
  ): Promise<void> {
    await this.services.call(RetentionRpc.update, { actor, namespace, repository: repositoryFromPath(repository), id, settings: settingsOf(body) });
  }

  /** 200 with `{}` (not 204), as SWR documents. */
  @Delete(':retention')
  @HttpCode(200)
  @Returns(200, z.object({}))
  async remove(
    @CurrentPrincipal() actor: Principal,
    @Param('namespace') namespace: string,
    @Param('repository') repository: string,
    @ValidParam('retention', RetentionId, swrInvalid()) id: number,
  ) {
    await this.services.call(RetentionRpc.remove, { actor, namespace, repository: repositoryFromPath(repository), id });
    return {};
  }

  /** Wharf: every tag with `keep` or `delete` and what decided it; changes nothing. */
  @Post(':retention/dry_run')
  @HttpCode(200)
  @Returns(200, DryRun)
  async dryRun(
    @CurrentPrincipal() actor: Principal,
    @Param('namespace') namespace: string,
    @Param('repository') repository: string,
    @ValidParam('retention', RetentionId, swrInvalid()) id: number,
  ): Promise<z.input<typeof DryRun>> {
    const plan = await this.services.call(RetentionRpc.dryRun, { actor, namespace, repository: repositoryFromPath(repository), id });
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
  @Returns(202, RunStarted)
  async run(
    @CurrentPrincipal() actor: Principal,
    @Param('namespace') namespace: string,
    @Param('repository') repository: string,
    @ValidParam('retention', RetentionId, swrInvalid()) id: number,
  ): Promise<z.input<typeof RunStarted>> {
    const { run } = await this.services.call(RetentionRpc.run, { actor, namespace, repository: repositoryFromPath(repository), id });
    return { run_id: run.runId, retention_id: run.policyId, status: run.status, started_at: run.startedAt };
  }
}
