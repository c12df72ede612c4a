import { Controller, Get, Req } from '@nestjs/common';
import type { Request } from 'express';

/** The one API version Wharf serves in the SWR dialect. `links` is one object, as in SWR's SDK. */
const versionDetail = (request: Request) => ({
  id: 'v2',
  links: { href: `${request.protocol}://${request.host ?? 'localhost'}/v2/`, rel: 'self' },
  min_version: '2.0',
  status: 'CURRENT',
  updated: '2020-07-09T00:00:00Z',
  version: '2.26',
});

/** SWR API versions (§1.2.1): no authentication needed. */
@Controller()
export class SwrVersionsController {
  @Get()
  list(@Req() request: Request) {
    return { versions: [versionDetail(request)] };
  }

  @Get('v2')
  show(@Req() request: Request) {
    return { version: versionDetail(request) };
  }
}
