import { Inject, Injectable } from '@nestjs/common';
import { RepositoryManagementRpc, type AuthLevel, type RepositorySummary } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import { ANY, type EventStore } from '@wharf/event-store';
import { EVENT_STORE, SERVICE_CLIENT } from '@wharf/platform';
import type { ServiceClient } from '@wharf/transport';
import { Registries } from '../gc/registries';

/**
 * A repository as a caller of retention or sync may see it: catalog answers 404 for a missing repository or
 * another account's, 403 for a caller without a level; access gives the caller's level, which deciders judge.
 */
@Injectable()
export class RepositoryGuard {
  constructor(
    @Inject(SERVICE_CLIENT) private readonly services: ServiceClient,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    private readonly registries: Registries,
  ) {}

  async check(actor: Principal, namespace: string, repository: string): Promise<{ summary: RepositorySummary; auth: AuthLevel | null }> {
    const { repository: summary } = await this.services.call(RepositoryManagementRpc.get, { actor, namespace, repository });
    const auth = await this.registries.level(actor, { kind: 'repository', namespace, repository: summary.fullName });
    return { summary, auth };
  }

  /**
   * SWR's small integer ids: each reservation is an event on `stream`, its revision (from 0) plus one is the id.
   * No concurrency check, so concurrent creates never retry; a create that then fails leaves a gap.
   */
  async reserveNumber(stream: string, now: string): Promise<number> {
    const { nextExpectedRevision } = await this.events.appendToStream(stream, [{ type: 'NumberReserved', data: {}, metadata: { now } }], { expectedRevision: ANY });
    return nextExpectedRevision + 1;
  }
}
