import { Controller, HttpCode, Inject, Post, Res, UseGuards } from '@nestjs/common';
import { LoginSecretRpc, type Principal } from '@wharf/contracts/identity';
import { WHARF_CONFIG, type WharfConfig } from '@wharf/platform';
import type { ServiceClient } from '@wharf/transport';
import type { Response } from 'express';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { z } from 'zod';
import { ApiRoutes } from '../openapi/dialects';
import { ValidQuery } from '../openapi/input';
import { documentedAs } from '../openapi/json-schema';
import { Returns } from '../openapi/responses';
import { SERVICES } from '../services';
import { swrInvalid, swrRule } from './swr-errors';

const PROJECT_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const LoginQuery = z.object({
  projectname: documentedAs(
    z.unknown().refine(
      (project) => project === undefined || (typeof project === 'string' && PROJECT_NAME.test(project)),
      (project) => swrRule('SVCSTG.SWR.4000014', 'Invalid API parameters: projectname', String(project)),
    ) as z.ZodType<string | undefined>,
    { type: 'string', pattern: PROJECT_NAME.source },
  ).describe("The project (region) the login is for; the installation's region by default"),
});

/** A `~/.docker/config.json` entry for the registry. */
const DockerAuths = z.object({ auths: z.record(z.string(), z.object({ auth: z.string().describe('base64 of user:password') })) });
const loginHeaders = { 'X-Swr-Dockerlogin': 'The docker login command', 'X-Swr-Expireat': 'When the login expires' };

/**
 * SWR's login commands (§1.2.12): the `docker login` line in `X-Swr-Dockerlogin`, its expiry in
 * `X-Swr-Expireat`, and a `~/.docker/config.json` `auths` entry in the body.
 */
@Controller('v2/manage/utils')
@UseGuards(AuthenticatedGuard)
@ApiRoutes('swr', 'SWR: login commands')
export class SwrLoginController {
  private readonly registryHost: string;

  constructor(
    @Inject(SERVICES) private readonly services: ServiceClient,
    @Inject(WHARF_CONFIG) private readonly config: WharfConfig,
  ) {
    this.registryHost = new URL(config.publicRegistryUrl).host;
  }

  private async login(actor: Principal, kind: 'temporary' | 'enhanced', project: string | undefined, response: Response): Promise<z.input<typeof DockerAuths>> {
    const { username, password, expiresAt } = await this.services.call(LoginSecretRpc.issue, { actor, kind, project: project ?? this.config.region });
    response.setHeader('X-Swr-Dockerlogin', `docker login -u ${username} -p ${password} ${this.registryHost}`);
    response.setHeader('X-Swr-Expireat', expiresAt);
    return { auths: { [this.registryHost]: { auth: Buffer.from(`${username}:${password}`).toString('base64') } } };
  }

  /** A 6-hour login, user `{projectname or region}@{id}`. */
  @Post('secret')
  @HttpCode(200)
  @Returns(200, DockerAuths, { description: 'A 6-hour login', headers: loginHeaders })
  secret(@CurrentPrincipal() actor: Principal, @ValidQuery(LoginQuery, swrInvalid()) { projectname }: z.output<typeof LoginQuery>, @Res({ passthrough: true }) response: Response) {
    return this.login(actor, 'temporary', projectname, response);
  }

  /** The enhanced 24-hour login, user `bearertoken@{id}`. */
  @Post('authorizationtoken')
  @HttpCode(200)
  @Returns(200, DockerAuths, { description: 'The enhanced 24-hour login', headers: loginHeaders })
  authorizationToken(
    @CurrentPrincipal() actor: Principal,
    @ValidQuery(LoginQuery, swrInvalid()) { projectname }: z.output<typeof LoginQuery>,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.login(actor, 'enhanced', projectname, response);
  }
}
