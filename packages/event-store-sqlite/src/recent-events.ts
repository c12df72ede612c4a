/** An event as stored: the columns of its row. */
export type Row = [position: number, id: string, stream: string, revision: number, type: string, data: string, metadata: string];

export interface RecentEventsLimits {
  events: number;
  /** Text held (data and metadata), in UTF-16 code units. */
  chars: number;
}

/**
 * The events this store committed lately, as stored, by position. Live subscriptions page from here instead of
 * the file, so an append costs its subscribers no query. Only a run of positions with no gap can be served:
 * a position missing (committed by another process, or forgotten to stay within the limits) sends the reader
 * to the file.
 */
export class RecentEvents {
  private readonly rows = new Map<number, Row>();
  private chars = 0;

  constructor(private readonly limits: RecentEventsLimits) {}

  /** Rows of one committed transaction, in position order. */
  add(rows: readonly Row[]): void {
    for (const row of rows) {
      this.rows.set(row[0], row);
      this.chars += row[5].length + row[6].length;
    }
    for (const [position, row] of this.rows) {
      if (this.rows.size <= this.limits.events && this.chars <= this.limits.chars) break;
      this.rows.delete(position);
      this.chars -= row[5].length + row[6].length;
    }
  }

  /**
   * The rows after `after` that `keep` accepts, at most `limit`, walking positions while they continue without a
   * gap; `through` is the last position walked. Undefined when the position after `after` is not held.
   */
  after(after: number, limit: number, keep: (row: Row) => boolean): { rows: Row[]; through: number } | undefined {
    if (!this.rows.has(after + 1)) return undefined;
    const rows: Row[] = [];
    let through = after;
    for (let row = this.rows.get(through + 1); row !== undefined && rows.length < limit; row = this.rows.get(through + 1)) {
      through += 1;
      if (keep(row)) rows.push(row);
    }
    return { rows, through };
  }
}
