import type { Database, Statement } from 'better-sqlite3';

/**
 * Prepared statements by SQL text, least recently used first out. Queries bind every value, so the text is a
 * query's shape and a handful of shapes serve a service; the bound only matters for `in` lists of many lengths.
 */
export class StatementCache {
  private readonly statements = new Map<string, Statement>();

  constructor(
    private readonly db: Database,
    private readonly capacity = 256,
  ) {}

  get(text: string): Statement {
    const cached = this.statements.get(text);
    if (cached) {
      // Re-inserting moves the entry to the end of the Map's order: the most recently used.
      this.statements.delete(text);
      this.statements.set(text, cached);
      return cached;
    }
    const prepared = this.db.prepare(text);
    this.statements.set(text, prepared);
    if (this.statements.size > this.capacity) this.statements.delete(this.statements.keys().next().value!);
    return prepared;
  }

  /** Forgets the statements that mention a text, e.g. a dropped table's name. */
  forget(mentioning: string): void {
    for (const text of [...this.statements.keys()]) if (text.includes(mentioning)) this.statements.delete(text);
  }
}
