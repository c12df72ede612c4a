import { PinoLogger } from 'nestjs-pino';
// nestjs-pino's request context, to tell whether there is a request to name the caller of.
import { storage } from 'nestjs-pino/storage';
import { nestPinoParams } from './process-logger';

let requestLog: PinoLogger | undefined;

/**
 * Names the authenticated caller of the request under way (`account/user`) in every line it logs from now on,
 * its access line included. Called by what authenticates: the gateway's guard, the registry's token verifier.
 */
export const identifyCaller = (principal: string): void => {
  if (!storage.getStore()) return;
  requestLog ??= new PinoLogger(nestPinoParams());
  requestLog.assign({ principal });
};
