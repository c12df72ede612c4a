/**
 * Small content (manifests, image configs) by digest, kept in memory up to a total size, least recently used
 * going first. Content addressed by its digest never changes, so a copy is never stale; whether a repository may
 * serve it is still asked every time.
 */
export class ContentCache {
  private readonly entries = new Map<string, Buffer>();
  private bytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly maxEntryBytes: number,
  ) {}

  get(digest: string): Buffer | undefined {
    const content = this.entries.get(digest);
    if (content) {
      this.entries.delete(digest);
      this.entries.set(digest, content);
    }
    return content;
  }

  set(digest: string, content: Buffer): void {
    if (content.length > this.maxEntryBytes || this.entries.has(digest)) return;
    this.entries.set(digest, content);
    this.bytes += content.length;
    for (const [oldest, evicted] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= evicted.length;
    }
  }
}
