import type { Readable } from 'node:stream';
import type { SyncRegionSetting } from '@wharf/platform';

/**
 * A sync target's OCI distribution API, as any registry serves it (another Wharf, Distribution, Harbor...), with
 * its authentication: a 401 names a challenge; for `Bearer` the realm gives a token for the scope (with the
 * region's credentials as Basic, when it has some), for `Basic` the credentials go along directly. Tokens are
 * kept per scope until they expire. Bodies stream: a blob is never held in memory.
 */

/** A failure worth another attempt later: the target did not answer, was busy, or failed on its side. */
export class TransientSyncError extends Error {
  override readonly name = 'TransientSyncError';
}
/** A refusal that another attempt would meet again: bad credentials, no permission, an invalid manifest. */
export class PermanentSyncError extends Error {
  override readonly name = 'PermanentSyncError';
}

const ACCEPT_MANIFESTS = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** `Bearer realm="…",service="…",scope="…"` → its scheme and parameters. */
export const parseChallenge = (header: string | null): Challenge | null => {
  if (!header) return null;
  const match = /^(\w+)\s*(.*)$/.exec(header.trim());
  if (!match) return null;
  const params: Record<string, string> = {};
  for (const [, key, quoted, bare] of match[2]!.matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) params[key!.toLowerCase()] = quoted ?? bare ?? '';
  return { scheme: match[1]!.toLowerCase(), params };
};

const describe = async (response: Response): Promise<string> => {
  const text = await response.text().catch(() => '');
  try {
    const errors = (JSON.parse(text) as { errors?: { code?: string; message?: string }[] }).errors;
    if (errors?.length) return `${response.status} ${errors.map((e) => `${e.code ?? ''} ${e.message ?? ''}`.trim()).join('; ')}`;
  } catch {
    // not an OCI error body
  }
  return `${response.status} ${text.slice(0, 200)}`.trim();
};

/** Throws the right kind of error for an answer that is not what was expected. */
const fail = async (what: string, response: Response): Promise<never> => {
  const reason = `${what}: ${await describe(response)}`;
  if (response.status >= 500 || response.status === 429 || response.status === 408) throw new TransientSyncError(reason);
  throw new PermanentSyncError(reason);
};

interface RequestOptions {
  scope: string;
  headers?: Record<string, string>;
  /** The body, or how to open it: an authentication retry sends it again, so a stream is opened anew. */
  body?: Buffer | (() => Promise<Readable>);
  signal?: AbortSignal;
}

export class TargetRegistry {
  private readonly tokens = new Map<string, { authorization: string; expiresAt: number }>();
  private readonly basic: string | undefined;

  constructor(
    readonly region: SyncRegionSetting,
    private readonly signal?: AbortSignal,
  ) {
    this.basic = region.username ? `Basic ${Buffer.from(`${region.username}:${region.password ?? ''}`).toString('base64')}` : undefined;
  }

  get host(): string {
    return new URL(this.region.url).host;
  }

  private url(path: string): string {
    return new URL(path, this.region.url).toString();
  }

  private async send(method: string, url: string, options: RequestOptions, authorization: string | undefined): Promise<Response> {
    const body = options.body === undefined ? undefined : Buffer.isBuffer(options.body) ? options.body : await options.body();
    const signals = [this.signal, options.signal].filter((s): s is AbortSignal => s !== undefined);
    try {
      const response = await fetch(url, {
        method,
        headers: { ...options.headers, ...(authorization ? { Authorization: authorization } : {}) },
        redirect: 'follow',
        ...(body !== undefined ? { body: body as unknown as RequestInit['body'], duplex: 'half' } : {}),
        ...(signals.length > 0 ? { signal: AbortSignal.any(signals) } : {}),
      } as RequestInit);
      // Refused before reading it all (a 401 asks again with credentials): the file it came from is closed now.
      if (response.status === 401 && body !== undefined && !Buffer.isBuffer(body)) body.destroy();
      return response;
    } catch (error) {
      if (body !== undefined && !Buffer.isBuffer(body)) body.destroy();
      if (signals.some((s) => s.aborted)) throw error;
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new TransientSyncError(`${this.host} did not answer ${method} ${new URL(url).pathname}: ${cause?.code ?? cause?.message ?? String(error)}`);
    }
  }

  /** One request, authenticated as the target asks; a 401 after authenticating is a permanent failure. */
  async request(method: string, path: string, options: RequestOptions): Promise<Response> {
    const url = path.startsWith('http') ? path : this.url(path);
    const cached = this.tokens.get(options.scope);
    const first = await this.send(method, url, options, cached && cached.expiresAt > Date.now() ? cached.authorization : undefined);
    if (first.status !== 401) return first;
    await first.body?.cancel();
    const authorization = await this.authorize(parseChallenge(first.headers.get('www-authenticate')), options.scope);
    const second = await this.send(method, url, options, authorization);
    if (second.status === 401) await fail(`${this.host} refused the credentials of region ${this.region.regionID}`, second);
    return second;
  }

  private async authorize(challenge: Challenge | null, scope: string): Promise<string> {
    if (challenge?.scheme === 'basic') {
      if (!this.basic) throw new PermanentSyncError(`${this.host} asks for credentials; region ${this.region.regionID} has none`);
      this.tokens.set(scope, { authorization: this.basic, expiresAt: Number.MAX_SAFE_INTEGER });
      return this.basic;
    }
    if (challenge?.scheme !== 'bearer' || !challenge.params.realm) throw new PermanentSyncError(`${this.host} answered 401 without a usable challenge`);
    const query = new URLSearchParams();
    if (challenge.params.service) query.set('service', challenge.params.service);
    query.append('scope', scope);
    const response = await this.send('GET', `${challenge.params.realm}?${query}`, { scope }, this.basic);
    if (response.status !== 200) await fail(`the token endpoint of ${this.host}`, response);
    const body = (await response.json()) as { token?: string; access_token?: string; expires_in?: number };
    const token = body.token ?? body.access_token;
    if (!token) throw new PermanentSyncError(`the token endpoint of ${this.host} answered no token`);
    // Renewed a little before it expires (60 s is the default the spec gives).
    const authorization = `Bearer ${token}`;
    this.tokens.set(scope, { authorization, expiresAt: Date.now() + Math.max(10, (body.expires_in ?? 60) - 10) * 1000 });
    return authorization;
  }

  private static scope(repository: string, actions = 'pull,push'): string {
    return `repository:${repository}:${actions}`;
  }

  async hasBlob(repository: string, digest: string): Promise<boolean> {
    const response = await this.request('HEAD', `/v2/${repository}/blobs/${digest}`, { scope: TargetRegistry.scope(repository) });
    await response.body?.cancel();
    if (response.status === 200) return true;
    if (response.status === 404) return false;
    return fail(`HEAD blob ${digest}`, response);
  }

  /** The digest a tag names in the target, or null when it names nothing. */
  async manifestDigest(repository: string, reference: string): Promise<string | null> {
    const response = await this.request('HEAD', `/v2/${repository}/manifests/${reference}`, { scope: TargetRegistry.scope(repository), headers: { Accept: ACCEPT_MANIFESTS } });
    await response.body?.cancel();
    if (response.status === 404) return null;
    if (response.status !== 200) return fail(`HEAD manifest ${reference}`, response);
    return response.headers.get('docker-content-digest');
  }

  /**
   * Mounts the blob from another repository of the target when `from` is given and the target agrees (true);
   * otherwise opens an upload session and answers its location.
   */
  async mountOrStart(repository: string, digest: string, from?: string): Promise<{ mounted: true } | { mounted: false; location: string }> {
    const scope = from ? `${TargetRegistry.scope(repository)} repository:${from}:pull` : TargetRegistry.scope(repository);
    const query = from ? `?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}` : '';
    const response = await this.request('POST', `/v2/${repository}/blobs/uploads/${query}`, { scope, headers: { 'Content-Length': '0' } });
    await response.body?.cancel();
    if (response.status === 201) return { mounted: true };
    if (response.status !== 202) return fail(`starting the upload of ${digest}`, response);
    const location = response.headers.get('location');
    if (!location) throw new PermanentSyncError(`${this.host} opened an upload without a Location`);
    return { mounted: false, location: this.url(location) };
  }

  /**
   * Sends a blob in chunks of `chunkSize` (ordered PATCHes with `Content-Range`, then the closing PUT with the
   * digest), each chunk streamed from `open(offset, length)`; `sent` hears of every chunk the target took.
   */
  async upload(
    repository: string,
    location: string,
    blob: { digest: string; size: number },
    open: (offset: number, length: number) => Promise<Readable>,
    chunkSize: number,
    sent: (bytes: number) => Promise<void>,
  ): Promise<void> {
    const scope = TargetRegistry.scope(repository);
    let next = location;
    for (let offset = 0; offset < blob.size; offset += chunkSize) {
      const length = Math.min(chunkSize, blob.size - offset);
      const response = await this.request('PATCH', next, {
        scope,
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `${offset}-${offset + length - 1}`, 'Content-Length': String(length) },
        body: () => open(offset, length),
      });
      await response.body?.cancel();
      if (response.status !== 202) return fail(`uploading ${blob.digest} at ${offset}`, response);
      next = this.url(response.headers.get('location') ?? next);
      await sent(offset + length);
    }
    const closing = new URL(next);
    closing.searchParams.set('digest', blob.digest);
    const response = await this.request('PUT', closing.toString(), { scope, headers: { 'Content-Length': '0' } });
    await response.body?.cancel();
    if (response.status !== 201) return fail(`finishing the upload of ${blob.digest}`, response);
  }

  /** PUTs manifest bytes by tag or digest; the target must store exactly these bytes (its digest is checked). */
  async putManifest(repository: string, reference: string, manifest: { digest: string; mediaType: string; bytes: Buffer }): Promise<void> {
    const response = await this.request('PUT', `/v2/${repository}/manifests/${reference}`, {
      scope: TargetRegistry.scope(repository),
      headers: { 'Content-Type': manifest.mediaType },
      body: manifest.bytes,
    });
    await response.body?.cancel();
    if (response.status !== 201) return fail(`pushing manifest ${manifest.digest}`, response);
    const digest = response.headers.get('docker-content-digest');
    if (digest && digest !== manifest.digest) throw new PermanentSyncError(`${this.host} stored manifest ${manifest.digest} as ${digest}`);
  }
}
