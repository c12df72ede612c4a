import { platformOfConfig } from './image-platform';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe("an image config's platform", () => {
  it('reads architecture and os, and the variant when there is one', () => {
    expect(platformOfConfig(json({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }))).toEqual({ architecture: 'amd64', os: 'linux' });
    expect(platformOfConfig(json({ architecture: 'arm64', os: 'linux', variant: 'v8' }))).toEqual({ architecture: 'arm64', os: 'linux', variant: 'v8' });
    expect(platformOfConfig(json({ architecture: 'amd64', os: 'windows', variant: '' }))).toEqual({ architecture: 'amd64', os: 'windows' });
  });

  it('finds none in configs that are not JSON objects or lack either field', () => {
    for (const config of [Buffer.from('not json'), json([1, 2]), json(null), json('amd64'), json({ architecture: 'amd64' }), json({ os: 'linux' }), json({ architecture: 1, os: 'linux' })]) {
      expect(platformOfConfig(config)).toBeUndefined();
    }
  });
});
