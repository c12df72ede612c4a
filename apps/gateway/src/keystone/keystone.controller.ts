import { Body, Controller, HttpCode, Inject, Post, Res } from '@nestjs/common';
import { IdentityRpc } from '@wharf/contracts/identity';
import type { ServiceClient } from '@wharf/transport';
import type { Response } from 'express';
import { z } from 'zod';
import { SERVICES } from '../services';
import { parseInput } from '../validation';

/** The Keystone v3 / Huawei IAM password authentication body. */
const PasswordAuthBody = z.object({
  auth: z.object({
    identity: z.object({
      methods: z.array(z.string()).refine((methods) => methods.includes('password'), 'methods must include "password"'),
      password: z.object({
        user: z.object({
          name: z.string().min(1),
          password: z.string().min(1),
          domain: z.object({ name: z.string().min(1) }).optional(),
        }),
      }),
    }),
    scope: z.unknown().optional(),
  }),
});

@Controller('v3/auth')
export class KeystoneController {
  constructor(@Inject(SERVICES) private readonly services: ServiceClient) {}

  /** Password in, token out in `X-Subject-Token` (201), as Keystone and Huawei IAM do. */
  @Post('tokens')
  @HttpCode(201)
  async issueToken(@Body() body: unknown, @Res({ passthrough: true }) response: Response) {
    const { user } = parseInput(PasswordAuthBody, body).auth.identity.password;
    const session = await this.services.call(IdentityRpc.createSession, {
      userName: user.name,
      password: user.password,
      ...(user.domain ? { accountName: user.domain.name } : {}),
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
