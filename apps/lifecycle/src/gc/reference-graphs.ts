import { Injectable } from '@nestjs/common';
import { ProjectionHost } from '@wharf/platform';
import type { ReferenceGraph } from './collection-plan';
import { contentsView, linksView, manifestsView } from './gc-views.projection';

const CHUNK = 500;
const chunks = <T>(items: readonly T[]): T[][] => Array.from({ length: Math.ceil(items.length / CHUNK) }, (_, i) => items.slice(i * CHUNK, (i + 1) * CHUNK));

/** Reads lifecycle's views of catalog's reference graph. Callers settle the views first (see `settle`). */
@Injectable()
export class ReferenceGraphs {
  constructor(private readonly projections: ProjectionHost) {}

  /** Resolves once the views have applied everything in the log at the time of the call. */
  async settle(): Promise<void> {
    // The views can trail the log by more than one wait allows after a burst of pushes: keep waiting while they move.
    for (let attempt = 0; ; attempt++) {
      try {
        await this.projections.waitForHead();
        return;
      } catch (error) {
        if (attempt >= 5) throw error;
      }
    }
  }

  /** A registry's links and manifests (tags included), as the views have them now. */
  async load(namespace: string): Promise<ReferenceGraph> {
    const where = [{ field: 'namespace', op: 'eq' as const, value: namespace }];
    const [links, manifests] = await Promise.all([
      this.projections.collection(linksView).find({ where }),
      this.projections.collection(manifestsView).find({ where }),
    ]);
    return { links, manifests };
  }

  /** Of these digests, those some repository of the registry still holds (as a blob link or a manifest). */
  async stillHeld(namespace: string, digests: readonly string[]): Promise<Set<string>> {
    const held = new Set<string>();
    for (const chunk of chunks(digests)) {
      const where = [
        { field: 'namespace', op: 'eq' as const, value: namespace },
        { field: 'digest', op: 'in' as const, values: chunk },
      ];
      const [links, manifests] = await Promise.all([
        this.projections.collection(linksView).find({ where }),
        this.projections.collection(manifestsView).find({ where }),
      ]);
      for (const doc of [...links, ...manifests]) held.add(doc.digest);
    }
    return held;
  }

  /** Digests no repository anywhere holds whose bytes no run has swept yet. */
  async orphans(): Promise<string[]> {
    const docs = await this.projections.collection(contentsView).find({ where: [{ field: 'references', op: 'eq', value: 0 }] });
    return docs.map((doc) => doc.digest);
  }

  async contents(digests: readonly string[]) {
    const found = new Map<string, { size: number; references: number; lastReferencedAt: string }>();
    for (const chunk of chunks(digests)) {
      for (const doc of await this.projections.collection(contentsView).find({ where: [{ field: 'id', op: 'in', values: chunk }] })) {
        found.set(doc.digest, { size: doc.size, references: doc.references, lastReferencedAt: doc.lastReferencedAt });
      }
    }
    return found;
  }

  /** The manifests of one repository, tags included. */
  async manifestsOf(repository: string) {
    return this.projections.collection(manifestsView).find({ where: [{ field: 'repository', op: 'eq', value: repository }] });
  }
}
