import { adminToken, http } from './http';
import { WharfProcesses } from './wharf-processes';

interface SwrNamespaces {
  namespaces: Array<{ id: number; name: string }>;
}

const create = (apiUrl: string, token: string, name: string) =>
  http(`${apiUrl}/v2/manage/namespaces`, { method: 'POST', headers: { 'X-Auth-Token': token }, json: { namespace: name } });

const listNames = async (apiUrl: string, token: string): Promise<string[]> => {
  const result = await http<SwrNamespaces>(`${apiUrl}/v2/manage/namespaces`, { headers: { 'X-Auth-Token': token } });
  expect(result.status).toBe(200);
  return result.body.namespaces.map((n) => n.name);
};

describe('restarts', () => {
  it('embedded: organizations and sessions survive a graceful stop and start', async () => {
    const wharf = await WharfProcesses.start('embedded');
    try {
      const token = await adminToken(wharf.apiUrl);
      expect((await create(wharf.apiUrl, token, 'survivor')).status).toBe(201);
      expect(await wharf.terminate('wharf')).toBe(0);
      await wharf.restart('wharf');
      expect(await listNames(wharf.apiUrl, token)).toContain('survivor');
      const shown = await http(`${wharf.apiUrl}/v2/manage/namespaces/survivor`, { headers: { 'X-Auth-Token': token } });
      expect(shown.status).toBe(200);
      // the bootstrap ran once: restarting did not create a second administrator or change its password
      expect(wharf.output('wharf')).not.toContain("Created user 'admin'");
      await adminToken(wharf.apiUrl);
    } finally {
      await wharf.stop();
    }
  }, 180000);

  it('distributed: after kill -9 of catalog mid-stream, nothing acknowledged is lost and the projection resumes', async () => {
    const wharf = await WharfProcesses.start('distributed');
    try {
      const token = await adminToken(wharf.apiUrl);
      const acknowledged: string[] = [];
      const failed: string[] = [];
      let killed = false;
      const restarted = (async () => {
        while (acknowledged.length < 10) await new Promise((r) => setTimeout(r, 5));
        await wharf.kill('catalog');
        killed = true;
        await wharf.restart('catalog');
      })();
      for (let i = 0; i < 60 || !killed; i++) {
        const name = `crash-${i}`;
        const result = await create(wharf.apiUrl, token, name);
        (result.status === 201 ? acknowledged : failed).push(name);
        if (i > 400) throw new Error('catalog was never killed');
      }
      await restarted;
      const names = await listNames(wharf.apiUrl, token);
      for (const name of acknowledged) expect(names).toContain(name);
      expect(acknowledged.length).toBeGreaterThanOrEqual(10);
      // the restarted catalog keeps projecting: a new create is listed at once
      expect((await create(wharf.apiUrl, token, 'after-restart')).status).toBe(201);
      expect(await listNames(wharf.apiUrl, token)).toContain('after-restart');
      // failed requests are refused or unknown-outcome, never half-applied: each name is listed at most once
      expect(new Set(names).size).toBe(names.length);
    } finally {
      await wharf.stop();
    }
  }, 240000);
});
