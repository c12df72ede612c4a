import type { ProjectionHost } from '@wharf/platform';
import type { RevocationReader } from './revocations';
import { revocationsProjection, type RevocationDocument } from './revocations.projection';

/**
 * Revocations as the registry's own projection has them. Each read first waits for the projection to reach the
 * event log's head, so a revocation identity or access has acknowledged is in force on the very next request.
 */
export class ProjectedRevocations implements RevocationReader {
  constructor(private readonly projections: ProjectionHost) {}

  async current(ids: readonly string[]): Promise<ReadonlyMap<string, RevocationDocument>> {
    if (ids.length === 0) return new Map();
    await this.projections.waitForHead();
    // Lookups by id: a handful per token, each served by the primary key however many revocations there are.
    const collection = this.projections.collection(revocationsProjection);
    const docs = await Promise.all(ids.map((id) => collection.get(id)));
    return new Map(docs.flatMap((doc) => (doc ? [[doc.id, doc] as const] : [])));
  }
}
