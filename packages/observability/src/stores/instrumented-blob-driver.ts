import type { BlobDriver, FileWriter } from '@wharf/blob-store';
import { metrics } from '../metrics/metrics';

/** Distribution's storage buckets (Prometheus' defaults). */
const STORAGE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const storageActionSeconds = () =>
  metrics.histogram({
    name: 'registry_storage_action_seconds',
    help: 'The number of seconds that the storage action takes',
    labelNames: ['driver', 'action'],
    buckets: STORAGE_BUCKETS,
  });

/**
 * The driver with every call timed into `registry_storage_action_seconds{driver,action}`, Distribution's metric,
 * under its action names (`Stat`, `GetContent`, `PutContent`, `Reader`, `Writer`, `Move`, `Delete`, `List`,
 * `URLFor`) plus `Commit` (a writer's flush: an fsync, or S3's multipart completion) and `PurgeInterrupted`.
 * `Reader` and `Writer` time opening the stream, never the bytes: nothing is added per byte or per chunk. The
 * optional capabilities stay optional: the decorated driver has them exactly when the driver does.
 */
export const instrumentBlobDriver = (driver: BlobDriver): BlobDriver => {
  const histogram = storageActionSeconds();
  const timed = <T>(action: string, work: () => Promise<T>): Promise<T> => {
    const stop = histogram.startTimer({ driver: driver.name, action });
    return work().finally(() => stop());
  };
  const timedWriter = (writer: FileWriter): FileWriter => ({
    get size() {
      return writer.size;
    },
    write: (data) => writer.write(data),
    commit: (to) => timed('Commit', () => writer.commit(to)),
    cancel: () => writer.cancel(),
    close: () => writer.close(),
  });
  const instrumented: BlobDriver = {
    name: driver.name,
    stat: (path) => timed('Stat', () => driver.stat(path)),
    reader: (path, range) => timed('Reader', () => driver.reader(path, range)),
    writer: async (path, options) => timedWriter(await timed('Writer', () => driver.writer(path, options))),
    getContent: (path) => timed('GetContent', () => driver.getContent(path)),
    putContent: (path, content) => timed('PutContent', () => driver.putContent(path, content)),
    move: (from, to) => timed('Move', () => driver.move(from, to)),
    delete: (path) => timed('Delete', () => driver.delete(path)),
    list: (path) => timed('List', () => driver.list(path)),
  };
  const { redirectUrl, purgeInterrupted, openFile } = driver;
  // Another way to read: timed as Reader, the opening only.
  if (openFile) instrumented.openFile = (path) => timed('Reader', () => openFile.call(driver, path));
  if (redirectUrl) instrumented.redirectUrl = (path, expiresInSeconds) => timed('URLFor', () => redirectUrl.call(driver, path, expiresInSeconds));
  if (purgeInterrupted) instrumented.purgeInterrupted = (before) => timed('PurgeInterrupted', () => purgeInterrupted.call(driver, before));
  return instrumented;
};
