import { planCleanup } from './cleanup-plan';

describe('cleanup plan', () => {
  const manifests = [
    { digest: 'sha256:a', tags: ['1.0', 'latest'] },
    { digest: 'sha256:b', tags: ['0.9', 'old'] },
    { digest: 'sha256:c', tags: [] },
  ];

  it('deletes listed images with the tags naming them, and removes listed tags grouped by image', () => {
    expect(planCleanup(manifests, ['sha256:a', 'sha256:c', 'sha256:a'], ['old', 'latest', '0.9', 'old'])).toEqual([
      { kind: 'delete-manifest', digest: 'sha256:a', tags: ['1.0', 'latest'] },
      { kind: 'delete-manifest', digest: 'sha256:c', tags: [] },
      { kind: 'untag', digest: 'sha256:b', tags: ['0.9', 'old'] },
    ]);
  });

  it('fails unknown images and tags one by one', () => {
    expect(planCleanup(manifests, ['sha256:z'], ['nope'])).toEqual([
      { kind: 'fail', digest: 'sha256:z', tags: [], error: 'Image not found' },
      { kind: 'fail', tags: ['nope'], error: 'Tag not found' },
    ]);
  });
});
