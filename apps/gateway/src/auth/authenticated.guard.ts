import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { DomainError } from '@wharf/contracts';
import { IdentityRpc, type Principal } from '@wharf/contracts/identity';
import type { ServiceClient } from '@wharf/transport';
import type { Request } from 'express';
import { SERVICES } from '../services';

export type AuthenticatedRequest = Request & { principal: Principal };

/** The token of a management call: `X-Auth-Token` (both dialects) or `Authorization: Bearer`. */
export const tokenOf = (request: Request): string | undefined => {
  const header = request.header('x-auth-token');
  if (header) return header.trim();
  const authorization = request.header('authorization');
  const bearer = authorization?.match(/^Bearer\s+(\S+)\s*$/i);
  return bearer?.[1];
};

/** Resolves the caller through identity; no token or a bad one is 401 in the route's dialect. */
@Injectable()
export class AuthenticatedGuard implements CanActivate {
  constructor(@Inject(SERVICES) private readonly services: ServiceClient) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = tokenOf(request);
    if (!token) throw new DomainError('IDENTITY.UNAUTHENTICATED');
    const { principal } = await this.services.call(IdentityRpc.verifyToken, { token });
    request.principal = principal;
    return true;
  }
}
