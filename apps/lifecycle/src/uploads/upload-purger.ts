import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { ContentLayout, PathNotFoundError, type BlobDriver } from '@wharf/blob-store';
import { WHARF_CONFIG, type WharfConfig } from '@wharf/platform';
import { CONTENT_DRIVER } from '../gc/gc-runner';

export interface PurgeReport {
  uploads: number;
  interrupted: number;
}

/** When an upload began, from its info file; null when the file is missing or unreadable (a start cut short). */
const startedAt = async (driver: BlobDriver, id: string): Promise<Date | null> => {
  try {
    const info = JSON.parse((await driver.getContent(ContentLayout.uploadInfo(id))).toString()) as { startedAt?: unknown };
    const time = typeof info.startedAt === 'string' ? new Date(info.startedAt) : null;
    return time && !Number.isNaN(time.getTime()) ? time : null;
  } catch (error) {
    if (error instanceof PathNotFoundError || error instanceof SyntaxError) return null;
    throw error;
  }
};

/**
 * Upload purging, as Distribution's: an upload nobody finished or cancelled keeps its bytes in the blob store, so
 * every `intervalSeconds` lifecycle removes the uploads started more than `maxAgeSeconds` ago, and what writes
 * interrupted by a crash left outside every path (S3's open multipart uploads). Replicas may purge at once: an
 * upload one of them already removed is skipped.
 */
@Injectable()
export class UploadPurger implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('UploadPurger');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  /** Said once: a blob store that cannot list what crashes left (s3rver) does not fill the log every interval. */
  private interruptedUnsupported = false;

  constructor(
    @Inject(CONTENT_DRIVER) private readonly driver: BlobDriver,
    @Inject(WHARF_CONFIG) private readonly config: WharfConfig,
  ) {}

  onApplicationBootstrap(): void {
    const { intervalSeconds } = this.config.uploadPurge;
    if (intervalSeconds === 0) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.purge(new Date())
        .then(
          (report) => {
            if (report.uploads + report.interrupted > 0) this.logger.log(`Purged ${report.uploads} abandoned uploads and ${report.interrupted} interrupted writes`);
          },
          (error: unknown) => this.logger.error(`Upload purge failed; trying again in ${intervalSeconds} s: ${String(error)}`),
        )
        .finally(() => (this.running = undefined));
    }, intervalSeconds * 1000);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Removes the uploads started before `now - maxAgeSeconds` (or whose start is unknown), and interrupted writes. */
  async purge(now: Date): Promise<PurgeReport> {
    const before = new Date(now.getTime() - this.config.uploadPurge.maxAgeSeconds * 1000);
    let uploads = 0;
    for (const id of await this.driver.list(ContentLayout.uploads)) {
      const started = await startedAt(this.driver, id);
      if (started && started >= before) continue;
      try {
        await this.driver.delete(ContentLayout.upload(id));
        uploads++;
      } catch (error) {
        if (!(error instanceof PathNotFoundError)) throw error;
      }
    }
    let interrupted = 0;
    if (this.driver.purgeInterrupted && !this.interruptedUnsupported) {
      try {
        interrupted = await this.driver.purgeInterrupted(before);
      } catch (error) {
        const { name } = error as { name?: string };
        if (name !== 'NotImplemented' && name !== 'MethodNotAllowed') throw error;
        this.interruptedUnsupported = true;
        this.logger.warn(`The blob store cannot list interrupted writes (${name}); abandoned uploads are still purged`);
      }
    }
    return { uploads, interrupted };
  }
}
