import type { FileWriter } from '@wharf/blob-store';

const MiB = 1024 * 1024;

/**
 * Writes a body's chunks behind its reader, so the network and the disk work at the same time: chunks gather into
 * writes of about `writeBytes`, written one at a time in order while reading goes on. The reader waits only when
 * `maxPendingBytes` are not written yet, which bounds what is held in memory. A failed write fails the next push.
 */
export class WriteBehind {
  private gathered: Buffer[] = [];
  private gatheredBytes = 0;
  /** Bytes gathered or being written. */
  private pendingBytes = 0;
  private writes: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly writer: FileWriter,
    private readonly writeBytes = MiB,
    private readonly maxPendingBytes = 8 * MiB,
  ) {}

  async push(chunk: Buffer): Promise<void> {
    this.throwIfFailed();
    this.gathered.push(chunk);
    this.gatheredBytes += chunk.length;
    this.pendingBytes += chunk.length;
    if (this.gatheredBytes >= this.writeBytes) this.writeGathered();
    if (this.pendingBytes > this.maxPendingBytes) await this.writes;
    this.throwIfFailed();
  }

  /** Writes what is gathered and waits for every write; throws the first write's error. */
  async finish(): Promise<void> {
    this.writeGathered();
    await this.writes;
    this.throwIfFailed();
  }

  /** Writes what is gathered and waits for every write, whatever happens to them (the reader failed). */
  async settle(): Promise<void> {
    this.writeGathered();
    await this.writes;
  }

  private writeGathered(): void {
    if (this.gatheredBytes === 0) return;
    const bytes = this.gatheredBytes;
    // Written as the pieces they came in (one writev): joining them would allocate a MiB per MiB uploaded.
    const data = this.gathered;
    this.gathered = [];
    this.gatheredBytes = 0;
    this.writes = this.writes
      .then(() => (this.failure ? undefined : this.writer.write(data)))
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => {
        this.pendingBytes -= bytes;
      });
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}
