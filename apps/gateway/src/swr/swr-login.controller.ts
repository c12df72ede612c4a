import { Controller, HttpCode, Inject, Post, Query, Res, UseGuards } from '@nestjs/common';
import { LoginSecretRpc, type Principal } from '@wharf/contracts/identity';
import { WHARF_CONFIG, type WharfConfig } from '@wharf/platform';
import type { ServiceClient } from '@wharf/transport';
import type { Response } from 'express';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { SERVICES } from '../services';
import { SwrInputError } from './swr-errors';

/**
 * SWR's login commands (§1.2.12): the `docker login` line in `X-Swr-Dockerlogin`, its expiry in
 * `X-Swr-Expireat`, and a `~/.docker/config.json` `auths` entry in the body.
 */
@Controller('v2/manage/utils')
@UseGuards(AuthenticatedGuard)
export class SwrLoginController {
  private readonly registryHost: string;

  constructor(
    @Inject(SERVICES) private readonly services: ServiceClient,
    @Inject(WHARF_CONFIG) private readonly config: WharfConfig,
  ) {
    this.registryHost = new URL(config.publicRegistryUrl).host;
  }

  private async login(actor: Principal, kind: 'temporary' | 'enhanced', project: unknown, response: Response) {
    if (project !== undefined && (typeof project !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(project))) {
      throw new SwrInputError('SVCSTG.SWR.4000014', 'Invalid API parameters: projectname', String(project));
    }
    const { username, password, expiresAt } = await this.services.call(LoginSecretRpc.issue, {
      actor,
      kind,
      project: typeof project === 'string' ? project : this.config.region,
    });
    response.setHeader('X-Swr-Dockerlogin', `docker login -u ${username} -p ${password} ${this.registryHost}`);
    response.setHeader('X-Swr-Expireat', expiresAt);
    return { auths: { [this.registryHost]: { auth: Buffer.from(`${username}:${password}`).toString('base64') } } };
  }

  /** A 6-hour login, user `{projectname or region}@{id}`. */
  @Post('secret')
  @HttpCode(200)
  secret(@CurrentPrincipal() actor: Principal, @Query('projectname') project: unknown, @Res({ passthrough: true }) response: Response) {
    return this.login(actor, 'temporary', project, response);
  }

  /** The enhanced 24-hour login, user `bearertoken@{id}`. */
  @Post('authorizationtoken')
  @HttpCode(200)
  authorizationToken(@CurrentPrincipal() actor: Principal, @Query('projectname') project: unknown, @Res({ passthrough: true }) response: Response) {
    return this.login(actor, 'enhanced', project, response);
  }
}
