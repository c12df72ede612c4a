import type { AuditLogReply } from '@wharf/contracts/identity';
import { adminToken, http, passwordLogin } from './http';
import { WharfProcesses } from './wharf-processes';

const FORWARDED = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'wharf.example.com', 'X-Forwarded-For': '203.0.113.9' };

/**
 * Behind a reverse proxy: with WHARF_TRUST_PROXY naming the proxy, links follow X-Forwarded-Proto/-Host and the
 * login throttle and audit log see the client's address from X-Forwarded-For; without it those headers count for
 * nothing (anyone could send them).
 */
describe('behind a reverse proxy (embedded)', () => {
  const scenario = async (wharf: WharfProcesses) => {
    const versions = await http<{ version: { links: { href: string } } }>(`${wharf.apiUrl}/v2`, { headers: FORWARDED });
    const failed = await http(`${wharf.apiUrl}/v3/auth/tokens`, { method: 'POST', headers: FORWARDED, json: passwordLogin('admin', 'a-wrong-password', 'admin') });
    expect(failed.status).toBe(401);
    const audit = await http<AuditLogReply>(`${wharf.apiUrl}/v1/audit-logs?operation=LoginFailed`, { headers: { 'X-Auth-Token': await adminToken(wharf.apiUrl) } });
    return { href: versions.body.version.links.href, addresses: audit.body.entries.map((entry) => entry.clientAddress) };
  };

  it('believes the forwarded headers of a trusted proxy', async () => {
    const wharf = await WharfProcesses.start('embedded', { WHARF_TRUST_PROXY: 'loopback' });
    try {
      expect(await scenario(wharf)).toEqual({ href: 'https://wharf.example.com/v2/', addresses: ['203.0.113.9'] });
    } finally {
      await wharf.stop();
    }
  }, 120000);

  it('ignores them when no proxy is trusted', async () => {
    const wharf = await WharfProcesses.start('embedded');
    try {
      expect(await scenario(wharf)).toEqual({ href: `${wharf.apiUrl}/v2/`, addresses: ['127.0.0.1'] });
    } finally {
      await wharf.stop();
    }
  }, 120000);
});
