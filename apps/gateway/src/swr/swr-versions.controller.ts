import { Controller, Get, Req } from '@nestjs/common';
import type { Request } from 'express';
import { z } from 'zod';
import { ApiRoutes } from '../openapi/dialects';
import { Returns } from '../openapi/responses';

const VersionDetail = z.object({
  id: z.literal('v2'),
  links: z.object({ href: z.string().url(), rel: z.literal('self') }),
  min_version: z.string(),
  status: z.literal('CURRENT'),
  updated: z.string(),
  version: z.string(),
});

/** The one API version Wharf serves in the SWR dialect. `links` is one object, as in SWR's SDK. */
const versionDetail = (request: Request): z.input<typeof VersionDetail> => ({
  id: 'v2',
  links: { href: `${request.protocol}://${request.host ?? 'localhost'}/v2/`, rel: 'self' },
  min_version: '2.0',
  status: 'CURRENT',
  updated: '2020-07-09T00:00:00Z',
  version: '2.26',
});

/** SWR API versions (§1.2.1): no authentication needed. */
@Controller()
@ApiRoutes('swr', 'SWR: API versions', { authenticated: false })
export class SwrVersionsController {
  @Get()
  @Returns(200, z.object({ versions: z.array(VersionDetail) }))
  list(@Req() request: Request) {
    return { versions: [versionDetail(request)] };
  }

  @Get('v2')
  @Returns(200, z.object({ version: VersionDetail }))
  show(@Req() request: Request) {
    return { version: versionDetail(request) };
  }
}
