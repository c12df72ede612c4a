import type { ProjectionHost } from '@wharf/platform';
import type { RevocationReader } from './revocations';
import { revocationsProjection, type RevocationDocument } from './revocations.projection';

/** Answers kept for the id sets of this many tokens; the oldest go first. */
const KEPT_ANSWERS = 5000;

/**
 * Revocations as the registry's own projection has them. Each read first makes sure the projection has reached the
 * event log's head, so a revocation identity or access has acknowledged is in force on the very next request: that
 * costs one read of the head position, and waits only while the log holds events the projection has not applied.
 * The answer for a token's ids is then kept until the projection next changes a document, so a client's further
 * requests read no revocations.
 */
export class ProjectedRevocations implements RevocationReader {
  private readonly answers = new Map<string, { changes: number; docs: ReadonlyMap<string, RevocationDocument> }>();

  constructor(private readonly projections: ProjectionHost) {}

  async current(ids: readonly string[]): Promise<ReadonlyMap<string, RevocationDocument>> {
    if (ids.length === 0) return new Map();
    await this.projections.waitForHead();
    // Read before the query: a change committed meanwhile makes the kept answer miss next time.
    const changes = this.projections.changesOf(revocationsProjection);
    const key = ids.join('\n');
    const kept = this.answers.get(key);
    if (kept?.changes === changes) return kept.docs;
    // One indexed read for the handful of ids of a token (the primary key in SQLite, the `id` index in MongoDB),
    // however many revocations there are.
    const found = await this.projections.collection(revocationsProjection).find({ where: [{ field: 'id', op: 'in', values: ids }] });
    const docs = new Map(found.map((doc) => [doc.id, doc]));
    this.answers.delete(key);
    this.answers.set(key, { changes, docs });
    if (this.answers.size > KEPT_ANSWERS) this.answers.delete(this.answers.keys().next().value!);
    return docs;
  }
}
