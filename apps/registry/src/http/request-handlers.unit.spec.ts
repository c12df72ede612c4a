import type { IncomingMessage } from 'node:http';
import { handlerOf } from './request-handlers';

const request = (url: string) => ({ url }) as IncomingMessage;

describe("the Distribution handler a registry request counts under", () => {
  it.each([
    ['/v2', 'base'],
    ['/v2/', 'base'],
    ['/v2/_catalog?n=10', 'catalog'],
    ['/v2/team/app/tags/list', 'tags'],
    ['/v2/team/app/manifests/v1', 'manifest'],
    ['/v2/team/app/manifests/sha256:abc', 'manifest'],
    ['/v2/team/app/blobs/sha256:abc', 'blob'],
    ['/v2/team/app/blobs/uploads/', 'blob_upload'],
    ['/v2/team/app/blobs/uploads/?mount=sha256:abc&from=team/other', 'blob_upload'],
    ['/v2/team/app/blobs/uploads/0b6f6a55-1c7e-4c3e-9d55-8f0b2c1d9e01', 'blob_upload_chunk'],
    ['/v2/team/app/referrers/sha256:abc', 'referrers'],
    // A repository named like a keyword is still matched from the end of the path.
    ['/v2/team/manifests/tags/list', 'tags'],
    ['/auth/token?service=x&scope=repository:team/app:pull', 'token'],
  ])('%s is %s', (url, handler) => {
    expect(handlerOf(request(url))).toBe(handler);
  });

  it.each(['/metrics', '/readyz', '/healthz', '/v2/team/app/unknown', '/v2x', '/auth/tokens'])('%s is not counted', (url) => {
    expect(handlerOf(request(url))).toBeNull();
  });
});
