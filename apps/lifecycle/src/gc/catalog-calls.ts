import type { Logger } from '@nestjs/common';
import { DomainError, type ErrorCode } from '@wharf/contracts';
import type { Pacer } from './pacer';

/** How long a background run keeps retrying catalog while it is unreachable before it fails. */
const CATALOG_PATIENCE_MS = 10 * 60 * 1000;
const TRANSIENT: ReadonlySet<ErrorCode> = new Set(['PLATFORM.UNAVAILABLE', 'PLATFORM.TIMEOUT', 'PLATFORM.READ_MODEL_LAGGING', 'PLATFORM.CONCURRENCY_CONFLICT']);

/** Thrown by a pacer's rest when the process stops: the run ends there and resumes at the next start. */
export class ShuttingDown extends Error {}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One catalog call of a background run (garbage collection, retention), after the pacer's rest, retried while
 * catalog is unreachable or busy; a repository deleted meanwhile answers `gone` (it has nothing left to take).
 */
export const callCatalogPatiently = async <T>(pacer: Pacer, logger: Logger, what: string, call: () => Promise<T>, gone: T): Promise<T> => {
  const giveUp = Date.now() + CATALOG_PATIENCE_MS;
  for (let attempt = 0; ; attempt++) {
    await pacer.rest();
    try {
      return await call();
    } catch (error) {
      if (error instanceof DomainError && error.code === 'CATALOG.REPOSITORY_NOT_FOUND') return gone;
      if (!(error instanceof DomainError && TRANSIENT.has(error.code)) || Date.now() > giveUp) throw error;
      logger.warn(`Catalog did not answer ${what} (${error.code}); trying again`);
      await sleep(Math.min(5000, 250 * 2 ** attempt));
    }
  }
};
