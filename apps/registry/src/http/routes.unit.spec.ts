import { matchRoute } from './routes';

describe('registry routes', () => {
  it.each([
    ['', { kind: 'base' }],
    ['_catalog', { kind: 'catalog' }],
    ['team/app/tags/list', { kind: 'tags', name: 'team/app' }],
    ['team/app/manifests/latest', { kind: 'manifest', name: 'team/app', reference: 'latest' }],
    ['team/a/b/manifests/sha256:abc', { kind: 'manifest', name: 'team/a/b', reference: 'sha256:abc' }],
    ['team/app/blobs/uploads/', { kind: 'uploads', name: 'team/app' }],
    ['team/app/blobs/uploads', { kind: 'uploads', name: 'team/app' }],
    ['team/app/blobs/uploads/0a1b', { kind: 'upload', name: 'team/app', id: '0a1b' }],
    ['team/app/blobs/sha256:abc', { kind: 'blob', name: 'team/app', digest: 'sha256:abc' }],
    ['team/blobs/app/blobs/sha256:abc', { kind: 'blob', name: 'team/blobs/app', digest: 'sha256:abc' }],
    ['team/manifests/manifests/v1', { kind: 'manifest', name: 'team/manifests', reference: 'v1' }],
    ['team/app/referrers/sha256:abc', { kind: 'referrers', name: 'team/app', digest: 'sha256:abc' }],
  ])('matches %j', (path, route) => {
    expect(matchRoute(path)).toEqual(route);
  });

  it.each(['team/app', 'team/app/blobs', 'team/app/manifests/', 'team/app/tags'])('matches nothing for %j', (path) => {
    expect(matchRoute(path)).toBeNull();
  });
});
