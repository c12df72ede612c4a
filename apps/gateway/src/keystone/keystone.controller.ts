import { Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { IdentityRpc } from '@wharf/contracts/identity';
import type { ServiceClient } from '@wharf/transport';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { ApiRoutes } from '../openapi/dialects';
import { ValidBody } from '../openapi/input';
import { Returns } from '../openapi/responses';
import { SERVICES } from '../services';
import { invalidInput } from '../validation';

/** The Keystone v3 / Huawei IAM password authentication body. */
const PasswordAuthBody = z.object({
  auth: z.object({
    identity: z.object({
      methods: z.array(z.string()).refine((methods) => methods.includes('password'), 'methods must include "password"'),
      password: z.object({
        user: z.object({
          name: z.string().min(1),
          password: z.string().min(1),
          // The user's account: by name or by id (Keystone's domain); needed when the name is in several accounts.
          domain: z
            .object({ name: z.string().min(1).optional(), id: z.string().min(1).optional() })
            .refine((domain) => domain.name !== undefined || domain.id !== undefined, 'domain needs a name or an id')
            .optional(),
        }),
      }),
    }),
    scope: z.unknown().optional(),
  }),
});

/** The issued token's description (the token itself is the `X-Subject-Token` header). */
const TokenBody = z.object({
  token: z.object({
    methods: z.array(z.literal('password')),
    issued_at: z.string().datetime(),
    expires_at: z.string().datetime(),
    user: z.object({ id: z.string(), name: z.string(), domain: z.object({ id: z.string(), name: z.string() }) }),
  }),
});

@Controller('v3/auth')
@ApiRoutes('keystone', 'Keystone: tokens', { authenticated: false })
export class KeystoneController {
  constructor(@Inject(SERVICES) private readonly services: ServiceClient) {}

  /** Password in, token out in `X-Subject-Token` (201), as Keystone and Huawei IAM do. */
  @Post('tokens')
  @HttpCode(201)
  @Returns(201, TokenBody, { description: 'A session token', headers: { 'X-Subject-Token': 'The token: send it as X-Auth-Token' } })
  async issueToken(
    @ValidBody(PasswordAuthBody, invalidInput) body: z.output<typeof PasswordAuthBody>,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<z.input<typeof TokenBody>> {
    const { user } = body.auth.identity.password;
    const session = await this.services.call(IdentityRpc.createSession, {
      userName: user.name,
      password: user.password,
      ...(user.domain?.id !== undefined ? { accountId: user.domain.id } : user.domain?.name !== undefined ? { accountName: user.domain.name } : {}),
      ...(request.ip !== undefined ? { clientAddress: request.ip } : {}),
    });
    response.setHeader('X-Subject-Token', session.token);
    const { principal } = session;
    return {
      token: {
        methods: ['password'],
        issued_at: session.issuedAt,
        expires_at: session.expiresAt,
        user: { id: principal.userId, name: principal.userName, domain: { id: principal.accountId, name: principal.accountName } },
      },
    };
  }
}
