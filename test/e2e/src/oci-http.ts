import { createHash } from 'node:crypto';
import { ADMIN_PASSWORD } from './wharf-processes';

export const sha256 = (content: Buffer | string): string => `sha256:${createHash('sha256').update(content).digest('hex')}`;

export interface OciResult {
  status: number;
  headers: Headers;
  body: Buffer;
  json: <T = unknown>() => T;
}

/** A small OCI distribution client over fetch, for tests that need to see every status and header. */
export class OciHttp {
  constructor(readonly registryUrl: string) {}

  get service(): string {
    return new URL(this.registryUrl).host;
  }

  async token(scopes: string[], credentials: { username: string; password: string } | null = { username: 'admin', password: ADMIN_PASSWORD }) {
    const query = new URLSearchParams({ service: this.service });
    for (const scope of scopes) query.append('scope', scope);
    const headers: Record<string, string> = credentials
      ? { Authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}` }
      : {};
    const response = await fetch(`${this.registryUrl}/auth/token?${query}`, { headers });
    const body = (await response.json()) as { token: string; access_token: string; expires_in: number; issued_at: string };
    return { status: response.status, ...body };
  }

  async request(method: string, path: string, options: { token?: string; body?: Buffer | string; headers?: Record<string, string> } = {}): Promise<OciResult> {
    const response = await fetch(`${this.registryUrl}${path}`, {
      method,
      headers: { ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}), ...options.headers },
      ...(options.body !== undefined ? { body: options.body } : {}),
      redirect: 'manual',
    });
    const body = Buffer.from(await response.arrayBuffer());
    return { status: response.status, headers: response.headers, body, json: <T>() => JSON.parse(body.toString()) as T };
  }

  /** Uploads a blob in one POST (`?digest=`). */
  pushBlob(name: string, content: Buffer | string, token: string) {
    return this.request('POST', `/v2/${name}/blobs/uploads/?digest=${sha256(content)}`, {
      token,
      body: content,
      headers: { 'Content-Type': 'application/octet-stream' },
    });
  }

  pushManifest(name: string, reference: string, manifest: unknown, token: string, mediaType = 'application/vnd.oci.image.manifest.v1+json') {
    return this.request('PUT', `/v2/${name}/manifests/${reference}`, { token, body: JSON.stringify(manifest), headers: { 'Content-Type': mediaType } });
  }

  /** Pushes config + one layer + an image manifest under `tag`; returns the manifest's digest and bytes. */
  async pushImage(name: string, tag: string, token: string, layerContent = `layer of ${name}:${tag}`) {
    const config = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } });
    await this.pushBlob(name, config, token);
    await this.pushBlob(name, layerContent, token);
    const manifest = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(layerContent), size: Buffer.byteLength(layerContent) }],
    };
    const bytes = JSON.stringify(manifest);
    const result = await this.pushManifest(name, tag, manifest, token);
    return { result, digest: sha256(bytes), bytes, layerDigest: sha256(layerContent), configDigest: sha256(config) };
  }
}

/** Creates an SWR organization (namespace) through the management API with an admin session token. */
export const createNamespace = async (apiUrl: string, sessionToken: string, name: string): Promise<void> => {
  const response = await fetch(`${apiUrl}/v2/manage/namespaces`, {
    method: 'POST',
    headers: { 'X-Auth-Token': sessionToken, 'Content-Type': 'application/json' },
    body: JSON.stringify({ namespace: name }),
  });
  if (response.status !== 201) throw new Error(`creating namespace ${name}: ${response.status} ${await response.text()}`);
};
