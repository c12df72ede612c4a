import { freePort } from '@wharf/testing';
import { WharfProcesses } from './wharf-processes';

/** The token realm clients are sent to must be an address they can reach, not a wildcard bind address. */
describe('the registry address in the token challenge', () => {
  it('refuses to start on WHARF_HOST=0.0.0.0 without WHARF_PUBLIC_REGISTRY_URL, saying which variable to set', async () => {
    await expect(WharfProcesses.start('embedded', { WHARF_HOST: '0.0.0.0' })).rejects.toThrow(
      /WHARF_PUBLIC_REGISTRY_URL: is required when WHARF_HOST=0\.0\.0\.0: set it to the address clients use/,
    );
  }, 120000);

  it('puts WHARF_PUBLIC_REGISTRY_URL in the realm when the registry listens on every interface', async () => {
    const port = await freePort();
    const wharf = await WharfProcesses.start('embedded', {
      WHARF_HOST: '0.0.0.0',
      WHARF_REGISTRY_PORT: String(port),
      WHARF_PUBLIC_REGISTRY_URL: `http://registry.example.test:${port}`,
    });
    try {
      const challenge = await fetch(`${wharf.registryUrl}/v2/`);
      expect(challenge.status).toBe(401);
      expect(challenge.headers.get('www-authenticate')).toBe(`Bearer realm="http://registry.example.test:${port}/auth/token",service="registry.example.test:${port}"`);
    } finally {
      await wharf.stop();
    }
  }, 120000);
});
