import type { RegistryTokenClaims } from '@wharf/registry-token';
import type { IncomingMessage } from 'node:http';

/** Tokens remembered: more than are in use at once in most installations, a few hundred KiB at most. */
const CAPACITY = 1000;

/**
 * Who the bearer tokens this process verified belong to, for the access lines: a token that verified carries its
 * caller truly (its signature covers the claims). Each verification refreshes its token's place, so the tokens in
 * use stay while the least recently verified ones make room.
 */
export class VerifiedCallers {
  private readonly callers = new Map<string, string>();

  remember(token: string, claims: RegistryTokenClaims): void {
    this.callers.delete(token);
    this.callers.set(token, claims.wharf ? `${claims.wharf.accountName}/${claims.wharf.userName}` : 'anonymous');
    if (this.callers.size > CAPACITY) this.callers.delete(this.callers.keys().next().value!);
  }

  /** The caller of a request whose bearer token was verified; undefined for any other. */
  of(request: IncomingMessage): string | undefined {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    return bearer ? this.callers.get(bearer[1]!) : undefined;
  }
}

/** The registry process's one record, filled by TokenVerifier and read by the access lines. */
export const verifiedCallers = new VerifiedCallers();
