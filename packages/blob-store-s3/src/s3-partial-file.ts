import { Readable } from 'node:stream';
import type { S3Objects } from './s3-objects';

/** One stretch of an unfinished file's bytes, stored as its own object. */
export interface Segment {
  key: string;
  offset: number;
  size: number;
}

const OFFSET_DIGITS = 16;

/**
 * A file being written, before its commit, kept where anyone can read it: S3 cannot read the parts of a multipart
 * upload before it completes, yet an upload's bytes must be readable while it goes on (the registry hashes them
 * again after a restart, or on another replica). So the bytes so far are segment objects under the file's own
 * prefix, each named by the offset it starts at: every segment but the last holds at least a part's worth (5 MiB or
 * more), the last one the rest. The commit turns the segments into the parts of one multipart upload of the file's
 * key, which S3 completes at once: the file appears whole or not at all.
 */
export class PartialFile {
  constructor(
    private readonly objects: S3Objects,
    /** Ends with `/`; nothing but this file's segments lives under it. */
    readonly prefix: string,
  ) {}

  segmentKey(offset: number): string {
    return `${this.prefix}${String(offset).padStart(OFFSET_DIGITS, '0')}`;
  }

  /** The segments in order, or an empty list when the file has none. Throws when they do not add up. */
  async segments(): Promise<Segment[]> {
    const segments: Segment[] = [];
    for await (const { key, size } of this.objects.objects(this.prefix)) {
      const name = key.slice(this.prefix.length);
      if (!/^\d+$/.test(name)) continue;
      segments.push({ key, offset: Number(name), size });
    }
    segments.sort((a, b) => a.offset - b.offset);
    let end = 0;
    for (const segment of segments) {
      if (segment.offset !== end) throw new Error(`S3 driver: segments of ${this.prefix} do not join at ${end} (next starts at ${segment.offset})`);
      end += segment.size;
    }
    return segments;
  }

  static sizeOf(segments: readonly Segment[]): number {
    const last = segments.at(-1);
    return last ? last.offset + last.size : 0;
  }

  /** Streams `[offset, offset + length)` across the segments, reading only the ones the range covers. */
  static read(objects: S3Objects, segments: readonly Segment[], offset: number, length?: number): Readable {
    const end = Math.min(PartialFile.sizeOf(segments), length === undefined ? Infinity : offset + length);
    async function* bytes(): AsyncGenerator<Buffer> {
      for (const segment of segments) {
        const from = Math.max(offset, segment.offset);
        const to = Math.min(end, segment.offset + segment.size);
        if (from >= to) continue;
        const body = await objects.read(segment.key, from - segment.offset, to - from);
        if (!body) throw new Error(`S3 driver: segment ${segment.key} vanished while being read`);
        for await (const chunk of body) yield chunk as Buffer;
      }
    }
    return Readable.from(bytes());
  }

  /**
   * Writes the file's key as one multipart upload with a part per segment (every segment but the last is at least
   * 5 MiB, as S3 requires of parts), then removes the segments.
   */
  async assemble(key: string): Promise<void> {
    const segments = await this.segments();
    if (segments.length <= 1) {
      // One segment (or none: an empty file) needs no multipart upload: a copy is as atomic.
      if (segments.length === 0) await this.objects.put(key, Buffer.alloc(0));
      else if (!(await this.objects.copy(segments[0]!.key, key))) throw new Error(`S3 driver: segment ${segments[0]!.key} vanished before its commit`);
    } else {
      await this.objects.uploadInParts(key, segments.map((segment) => ({ key: segment.key, offset: 0, size: segment.size })));
    }
    await this.objects.deleteAll(segments.map((segment) => segment.key));
  }
}
