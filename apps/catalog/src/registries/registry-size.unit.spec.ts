import { registrySize, usedPercent } from './registry-size';

describe('registry size', () => {
  it('adds the blobs and manifests the repositories hold', () => {
    expect(
      registrySize([
        { digest: 'sha256:config', size: 100 },
        { digest: 'sha256:layer', size: 5000 },
        { digest: 'sha256:manifest', size: 400 },
      ]),
    ).toBe(5500);
  });

  it('counts a blob shared by two repositories of the registry once', () => {
    const shared = { digest: 'sha256:base-layer', size: 7000 };
    const app = [shared, { digest: 'sha256:app-layer', size: 300 }];
    const tool = [shared, { digest: 'sha256:tool-layer', size: 200 }];
    expect(registrySize([...app, ...tool])).toBe(7500);
  });

  it('counts a manifest held by two repositories once', () => {
    const manifest = { digest: 'sha256:same-manifest', size: 420 };
    expect(registrySize([manifest, manifest, { digest: 'sha256:layer', size: 80 }])).toBe(500);
  });

  it('is zero for an empty registry', () => {
    expect(registrySize([])).toBe(0);
  });
});

describe('used percentage', () => {
  it('is size over the limit in percent, to two decimals', () => {
    expect(usedPercent(0, 21474836480)).toBe(0);
    expect(usedPercent(5368709120, 21474836480)).toBe(25);
    expect(usedPercent(500000000, 21474836480)).toBe(2.33);
    expect(usedPercent(1, 3)).toBe(33.33);
  });

  it('goes past 100 when a registry holds more than its limit', () => {
    expect(usedPercent(30, 20)).toBe(150);
  });
});
