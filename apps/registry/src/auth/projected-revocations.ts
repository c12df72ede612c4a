import type { ProjectionHost } from '@wharf/platform';
import type { RevocationReader } from './revocations';
import { revocationsProjection, type RevocationDocument } from './revocations.projection';

/**
 * Revocations as the registry's own projection has them. Each read first makes sure the projection has reached the
 * event log's head, so a revocation identity or access has acknowledged is in force on the very next request: that
 * costs one read of the head position, and waits only while the log holds events the projection has not applied.
 */
export class ProjectedRevocations implements RevocationReader {
  constructor(private readonly projections: ProjectionHost) {}

  async current(ids: readonly string[]): Promise<ReadonlyMap<string, RevocationDocument>> {
    if (ids.length === 0) return new Map();
    await this.projections.waitForHead();
    // One indexed read for the handful of ids of a token (the primary key in SQLite, the `id` index in MongoDB),
    // however many revocations there are.
    const docs = await this.projections.collection(revocationsProjection).find({ where: [{ field: 'id', op: 'in', values: ids }] });
    return new Map(docs.map((doc) => [doc.id, doc]));
  }
}
