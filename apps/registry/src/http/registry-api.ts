import { Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { CatalogRpc, MAX_RECORDED_MANIFEST_BYTES, RepositoryRpc } from '@wharf/contracts/catalog';
import { AccessRpc } from '@wharf/contracts/access';
import { IdentityRpc } from '@wharf/contracts/identity';
import type { Clock } from '@wharf/platform';
import {
  digestOf,
  isValidRepositoryName,
  isValidTag,
  looksLikeDigest,
  MAX_MANIFEST_BYTES,
  MediaTypes,
  OciError,
  parseDigest,
  parseManifest,
  referencedBlobs,
  splitRepositoryName,
} from '@wharf/oci';
import { parseScope, type RegistryTokenClaims } from '@wharf/registry-token';
import type { ServiceClient } from '@wharf/transport';
import type { Request, Response } from 'express';
import type { RevocationReader } from '../auth/revocations';
import { allows, TokenVerifier } from '../auth/token-verifier';
import { ContentStore } from '../storage/content-store';
import { Uploads } from '../storage/uploads';
import { chunkRange } from './content-range';
import { IMAGE_CONFIG_MEDIA_TYPES, MAX_CONFIG_BYTES, platformOfConfig, type ImagePlatform } from './image-platform';
import { readLimitedBody } from './limited-body';
import { toOciError } from './oci-errors';
import { PullCounter } from './pull-counter';
import { matchRoute, type Route } from './routes';
import { closeIfBodyUnread } from './unread-body';

export interface RegistryApiOptions {
  services: ServiceClient;
  content: ContentStore;
  clock: Clock;
  /** The registry's address as clients see it, for the token realm. */
  publicUrl: string;
  revocations: RevocationReader;
}

type Action = 'pull' | 'push' | 'delete';

/** Actions a request needs on its repository, by method. */
const actionsFor = (method: string): Action[] => {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return ['pull'];
    case 'DELETE':
      return ['delete'];
    default:
      return ['pull', 'push'];
  }
};

/** How long a redirected blob GET's URL serves (Distribution's 20 minutes): long enough for a slow pull to start. */
const BLOB_REDIRECT_SECONDS = 20 * 60;

/** The largest OAuth2 password form the token endpoint reads. */
const MAX_TOKEN_FORM_BYTES = 64 * 1024;

/** A malformed digest in a path or parameter is 400 DIGEST_INVALID, wherever it appears. */
const requireDigest = (digest: string): void => {
  if (!parseDigest(digest)) throw new OciError('DIGEST_INVALID', 'invalid digest', { digest });
};

/** Every value of a query parameter, in order (`?tag=a&tag=b`). */
const queryValues = (request: Request, name: string): string[] => new URLSearchParams(request.originalUrl.split('?')[1] ?? '').getAll(name);

/** The source repository of a cross-repository mount request (`POST …/blobs/uploads/?mount=<digest>&from=<name>`). */
const mountSource = (route: Route, request: Request): string | undefined => {
  if (route.kind !== 'uploads' || request.method !== 'POST') return undefined;
  const [from] = queryValues(request, 'from');
  return queryValues(request, 'mount').length > 0 && from !== undefined && isValidRepositoryName(from) ? from : undefined;
};

const positiveInteger = (value: unknown): number | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d+$/.test(value)) throw new OciError('PAGINATION_NUMBER_INVALID', undefined, { n: String(value) });
  return Number(value);
};

/**
 * The OCI distribution API v1.1. Every request is authorised against the repository in its path with the
 * bearer token's grants; bytes stream between the client and the content store; names, tags, manifests and
 * blob links are the catalog's, asked for and recorded over the transport.
 */
export class RegistryApi implements BeforeApplicationShutdown {
  private readonly logger = new Logger('RegistryApi');
  private readonly uploads: Uploads;
  private readonly pulls: PullCounter;
  readonly verifier: TokenVerifier;
  readonly serviceName: string;

  constructor(private readonly options: RegistryApiOptions) {
    this.uploads = new Uploads(options.content);
    this.serviceName = new URL(options.publicUrl).host;
    this.verifier = new TokenVerifier(options.services, this.serviceName, options.revocations);
    this.pulls = new PullCounter(options.services);
  }

  /** Reports the pulls counted so far before the process goes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.pulls.close();
  }

  private get services() {
    return this.options.services;
  }

  private get content() {
    return this.options.content;
  }

  async handle(request: Request, response: Response): Promise<void> {
    response.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
    try {
      const path = (request.originalUrl.split('?')[0] ?? '').replace(/^\/v2\/?/, '');
      const route = matchRoute(path);
      if (!route) throw new OciError('NAME_UNKNOWN', 'no such endpoint', { path });
      if ('name' in route && !isValidRepositoryName(route.name)) throw new OciError('NAME_INVALID', undefined, { name: route.name });
      await this.dispatch(route, request, response);
    } catch (error) {
      this.fail(response, error);
    }
  }

  private fail(response: Response, error: unknown): void {
    const oci = toOciError(error);
    if (!oci) this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    const rendered = oci ?? new OciError('UNKNOWN');
    if (response.headersSent) {
      response.destroy();
      return;
    }
    closeIfBodyUnread(response.req, response);
    if (rendered.code === 'RANGE_INVALID' && typeof rendered.detail.size === 'number') {
      response.setHeader('Range', `0-${Math.max(0, rendered.detail.size - 1)}`);
    }
    if (rendered.code === 'TOOMANYREQUESTS' && typeof rendered.detail.retryAfterSeconds === 'number') {
      response.setHeader('Retry-After', String(rendered.detail.retryAfterSeconds));
    }
    response.status(rendered.status).json(rendered.toBody());
  }

  /** 401 with the challenge that tells the client where to get a token for `scope` (space-separated scopes). */
  private challenge(response: Response, scope?: string): void {
    const realm = `${this.options.publicUrl.replace(/\/$/, '')}/auth/token`;
    const parts = [`realm="${realm}"`, `service="${this.serviceName}"`, ...(scope ? [`scope="${scope}"`] : [])];
    response.setHeader('WWW-Authenticate', `Bearer ${parts.join(',')}`);
    closeIfBodyUnread(response.req, response);
    response.status(401).json(new OciError('UNAUTHORIZED', 'authentication required', scope ? { scope } : {}).toBody());
  }

  private async claimsOf(request: Request): Promise<RegistryTokenClaims | null> {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.header('authorization') ?? '');
    if (!bearer?.[1]) return null;
    return this.verifier.verify(bearer[1], Math.floor(this.options.clock.now().getTime() / 1000));
  }

  private async dispatch(route: Route, request: Request, response: Response): Promise<void> {
    const claims = await this.claimsOf(request);
    if (route.kind === 'base') {
      if (!claims) return this.challenge(response);
      response.status(200).json({});
      return;
    }
    if (route.kind === 'catalog') {
      if (!claims?.access.some((entry) => entry.type === 'registry' && entry.name === 'catalog')) {
        return this.challenge(response, 'registry:catalog:*');
      }
      return this.listCatalog(claims, request, response);
    }
    const needed = actionsFor(request.method);
    const scope = `repository:${route.name}:${needed.join(',')}`;
    // Mounting needs pull on the source too: the challenge asks for it, as Distribution's does, so clients
    // fetch a token that lets the mount happen instead of silently uploading the blob again.
    const source = mountSource(route, request);
    const mountScope = source ? `${scope} repository:${source}:pull` : scope;
    if (!allows(claims, route.name, needed)) {
      // A signed-in caller whose token says this repository was asked for and refused outright gets 403;
      // anyone else is told where to get a (better) token, as clients upgrade a pull token to push that way.
      const refused = claims?.access.some((entry) => entry.type === 'repository' && entry.name === route.name && entry.actions.length === 0);
      if (claims?.wharf && refused) throw await this.denial(route.name, needed);
      return this.challenge(response, mountScope);
    }
    // A token that never asked about the source gets the challenge once; one refused the source uploads instead.
    if (source && !claims?.access.some((entry) => entry.type === 'repository' && entry.name === source)) return this.challenge(response, mountScope);
    switch (route.kind) {
      case 'tags':
        return this.listTags(route.name, request, response);
      case 'manifest':
        return this.manifest(route.name, route.reference, claims!, request, response);
      case 'uploads':
        return this.startUpload(route.name, claims!, request, response);
      case 'upload':
        return this.upload(route.name, route.id, claims!, request, response);
      case 'blob':
        return this.blob(route.name, route.digest, claims!, request, response);
      case 'referrers':
        return this.referrers(route.name, route.digest, request, response);
    }
  }

  /**
   * The error for a refused request. When the repository's organization does not exist at all, the answer says
   * so and how to create it, since a push never creates organizations: pulls get 404 NAME_UNKNOWN (so clients
   * checking for a blob before uploading go on to the upload and show its message), pushes 403 DENIED.
   */
  private async denial(repository: string, needed: Action[]): Promise<OciError> {
    const detail = { repository, needed: needed.join(',') };
    const namespace = splitRepositoryName(repository)?.namespace;
    if (namespace && !(await this.services.call(CatalogRpc.namespaceExists, { name: namespace })).exists) {
      const message =
        `organization "${namespace}" does not exist: create it first (SWR: POST /v2/manage/namespaces {"namespace": "${namespace}"}; ` +
        `Selectel: POST /api/v1/registries {"name": "${namespace}"}), then push again`;
      return new OciError(needed.length === 1 && needed[0] === 'pull' ? 'NAME_UNKNOWN' : 'DENIED', message, { ...detail, organization: namespace });
    }
    return new OciError('DENIED', undefined, detail);
  }

  private actor(claims: RegistryTokenClaims) {
    if (!claims.wharf) throw new OciError('DENIED', 'anonymous callers cannot change a repository');
    return claims.wharf;
  }

  // ---- manifests -------------------------------------------------------------------------------------

  private async manifest(name: string, reference: string, claims: RegistryTokenClaims, request: Request, response: Response): Promise<void> {
    const isDigest = looksLikeDigest(reference);
    if (isDigest) requireDigest(reference);
    switch (request.method) {
      case 'GET':
      case 'HEAD': {
        const resolved = await this.services.call(RepositoryRpc.resolveManifest, { repository: name, reference });
        const bytes = await this.content.getContent(resolved.digest);
        if (!bytes) throw new OciError('MANIFEST_UNKNOWN', 'manifest content is missing', { digest: resolved.digest });
        response.status(200).set({
          'Content-Type': resolved.mediaType,
          'Content-Length': String(bytes.length),
          'Docker-Content-Digest': resolved.digest,
          ETag: `"${resolved.digest}"`,
        });
        if (request.method === 'HEAD') {
          response.end();
        } else {
          response.end(bytes);
          this.pulls.count(name, resolved.digest);
        }
        return;
      }
      case 'PUT': {
        // A manifest over the limit is 413, as the spec says, with the code MANIFEST_INVALID.
        const bytes = await readLimitedBody(request, MAX_MANIFEST_BYTES, 'MANIFEST_INVALID');
        const manifest = parseManifest(bytes, request.header('content-type'));
        const digest = isDigest ? digestOf(bytes, parseDigest(reference)!.algorithm) : digestOf(bytes);
        if (isDigest && digest !== reference) throw new OciError('DIGEST_INVALID', `manifest digest is ${digest}`, { digest: reference });
        const tags = this.tagsOf(reference, isDigest, request);
        await this.content.putContent(digest, bytes);
        const platform = manifest.config ? await this.platformOf(manifest.config) : undefined;
        const facts = {
          digest,
          mediaType: manifest.mediaType,
          size: bytes.length,
          blobs: referencedBlobs(manifest).map((d) => d.digest),
          children: manifest.manifests.map((d) => d.digest),
          ...(manifest.subject ? { subject: manifest.subject.digest } : {}),
          ...(manifest.artifactType ? { artifactType: manifest.artifactType } : {}),
          ...(manifest.annotations ? { annotations: manifest.annotations } : {}),
          ...(manifest.config ? { configDigest: manifest.config.digest } : {}),
          ...(bytes.length <= MAX_RECORDED_MANIFEST_BYTES ? { content: bytes.toString('utf8') } : {}),
          ...(platform ? { platform } : {}),
        };
        // Sizes are checked against the repository's content by the catalog; foreign layers are not there to check.
        const declaredSizes = [...referencedBlobs(manifest), ...manifest.manifests].map((d) => ({ digest: d.digest, size: d.size }));
        const push = (tag: string | undefined) =>
          this.services.call(RepositoryRpc.pushManifest, { actor: this.actor(claims), repository: name, ...(tag !== undefined ? { tag } : {}), declaredSizes, manifest: facts });
        // The first call records the manifest (with its first tag); each further tag points at it.
        const [first, ...more] = tags;
        await push(first);
        for (const tag of more) await push(tag);
        // Garbage collection may have taken bytes of this digest no repository held before this push was
        // recorded; written again now, after the record, no collection can take them (lifecycle's content-sweeper.ts).
        await this.content.putContent(digest, bytes);
        response.status(201).set({ Location: `/v2/${name}/manifests/${digest}`, 'Docker-Content-Digest': digest, 'Content-Length': '0' });
        if (manifest.subject) response.setHeader('OCI-Subject', manifest.subject.digest);
        if (isDigest && tags.length > 0) response.setHeader('OCI-Tag', tags);
        response.end();
        return;
      }
      case 'DELETE': {
        if (isDigest) await this.services.call(RepositoryRpc.deleteManifest, { actor: this.actor(claims), repository: name, digest: reference });
        else await this.services.call(RepositoryRpc.deleteTag, { actor: this.actor(claims), repository: name, tag: reference });
        response.status(202).end();
        return;
      }
      default:
        throw new OciError('UNSUPPORTED', `${request.method} is not supported on manifests`);
    }
  }

  /**
   * The tags a manifest PUT points at the manifest: the reference when it is a tag, and every `tag` query
   * parameter (the only way to tag a manifest pushed by a digest other than sha256). All are checked first.
   */
  private tagsOf(reference: string, isDigest: boolean, request: Request): string[] {
    const tags = [...new Set([...(isDigest ? [] : [reference]), ...queryValues(request, 'tag')])];
    const invalid = tags.find((tag) => !isValidTag(tag));
    if (invalid !== undefined) throw new OciError('TAG_INVALID', `invalid tag ${JSON.stringify(invalid)}`, { tag: invalid });
    return tags;
  }

  /**
   * An image manifest's platform, read from its config blob so the catalog records it without reading bytes.
   * Only image configs (OCI or Docker) are read, and only small ones; a config not stored yet yields none (the
   * catalog then refuses the manifest for its missing blob anyway).
   */
  private async platformOf(config: { mediaType: string; digest: string; size: number }): Promise<ImagePlatform | undefined> {
    if (!IMAGE_CONFIG_MEDIA_TYPES.includes(config.mediaType) || config.size > MAX_CONFIG_BYTES) return undefined;
    const stored = await this.content.stat(config.digest);
    if (!stored || stored.size > MAX_CONFIG_BYTES) return undefined;
    const bytes = await this.content.getContent(config.digest);
    return bytes ? platformOfConfig(bytes) : undefined;
  }

  // ---- blobs -----------------------------------------------------------------------------------------

  private async blob(name: string, digest: string, claims: RegistryTokenClaims, request: Request, response: Response): Promise<void> {
    requireDigest(digest);
    if (request.method === 'DELETE') {
      await this.services.call(RepositoryRpc.unlinkBlob, { actor: this.actor(claims), repository: name, digest });
      response.status(202).end();
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') throw new OciError('UNSUPPORTED', `${request.method} is not supported on blobs`);
    // Knowing a digest grants nothing: the blob is served only through a repository that links it.
    const link = await this.services.call(RepositoryRpc.blobLink, { repository: name, digest });
    const stat = link.linked ? await this.content.stat(digest) : null;
    if (!stat) throw new OciError('BLOB_UNKNOWN', undefined, { digest });
    // Where the storage can serve the bytes (and any Range) itself, it does; HEAD stays here, as clients expect its headers.
    const location = request.method === 'GET' && stat.inPlace ? await this.content.redirectUrl(digest, BLOB_REDIRECT_SECONDS) : null;
    if (location) {
      response.status(307).set({ Location: location, 'Docker-Content-Digest': digest, 'Content-Length': '0' }).end();
      return;
    }
    const range = this.byteRange(request.header('range'), stat.size);
    response.set({
      'Content-Type': 'application/octet-stream',
      'Docker-Content-Digest': digest,
      ETag: `"${digest}"`,
      'Accept-Ranges': 'bytes',
      'Cache-Control': 'max-age=31536000',
    });
    if (range) {
      response.status(206).set({ 'Content-Range': `bytes ${range.offset}-${range.offset + range.length - 1}/${stat.size}`, 'Content-Length': String(range.length) });
    } else {
      response.status(200).set('Content-Length', String(stat.size));
    }
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    if (!(await this.content.copyTo(digest, response, range ?? { offset: 0, length: stat.size }))) throw new OciError('BLOB_UNKNOWN', undefined, { digest });
    response.end();
  }

  /** `bytes=a-b`, `bytes=a-` or `bytes=-n`; anything unsatisfiable is 416. */
  private byteRange(header: string | undefined, size: number): { offset: number; length: number } | null {
    if (!header) return null;
    const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
    if (!match || (match[1] === '' && match[2] === '')) throw new OciError('RANGE_INVALID', `invalid range ${header}`, {}, 416);
    let start: number;
    let end: number;
    if (match[1] === '') {
      start = Math.max(0, size - Number(match[2]));
      end = size - 1;
    } else {
      start = Number(match[1]);
      end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
    }
    if (start > end || start >= size) throw new OciError('RANGE_INVALID', `range ${header} not satisfiable for ${size} bytes`, {}, 416);
    return { offset: start, length: end - start + 1 };
  }

  // ---- uploads ---------------------------------------------------------------------------------------

  private uploadHeaders(response: Response, name: string, id: string, size: number): void {
    response.set({
      Location: `/v2/${name}/blobs/uploads/${id}`,
      Range: `0-${Math.max(0, size - 1)}`,
      'Docker-Upload-UUID': id,
      'Content-Length': '0',
    });
  }

  private async finishUpload(name: string, id: string, digest: string, claims: RegistryTokenClaims, response: Response): Promise<void> {
    // The link is recorded before the bytes are put in place: garbage collection deletes bytes only when, after
    // setting them aside, it finds no reference recorded, so bytes put in place after the link stay
    // (lifecycle's content-sweeper.ts).
    await this.uploads.finish(name, id, digest, (size) => this.services.call(RepositoryRpc.linkBlob, { actor: this.actor(claims), repository: name, digest, size }));
    response.status(201).set({ Location: `/v2/${name}/blobs/${digest}`, 'Docker-Content-Digest': digest, 'Content-Length': '0' }).end();
  }

  private async startUpload(name: string, claims: RegistryTokenClaims, request: Request, response: Response): Promise<void> {
    if (request.method !== 'POST') throw new OciError('UNSUPPORTED', `${request.method} is not supported here`);
    const query = request.query as Record<string, unknown>;
    const mount = typeof query.mount === 'string' ? query.mount : undefined;
    const from = typeof query.from === 'string' ? query.from : undefined;
    if (mount && from && (await this.mount(name, mount, from, claims, response))) return;
    const digest = typeof query.digest === 'string' ? query.digest : undefined;
    if (digest) requireDigest(digest);
    const upload = await this.uploads.start(name, this.options.clock.now());
    if (digest) {
      // Monolithic upload: the whole blob in the POST body.
      try {
        await this.uploads.append(name, upload.id, request, this.lengthOf(request));
        await this.finishUpload(name, upload.id, digest, claims, response);
      } catch (error) {
        await this.uploads.cancel(name, upload.id).catch(() => undefined);
        throw error;
      }
      return;
    }
    this.uploadHeaders(response, name, upload.id, 0);
    response.status(202).end();
  }

  /** Cross-repository mount: allowed when the token may pull the source and the source links the blob. */
  private async mount(name: string, digest: string, from: string, claims: RegistryTokenClaims, response: Response): Promise<boolean> {
    if (!parseDigest(digest) || !isValidRepositoryName(from) || !allows(claims, from, ['pull'])) return false;
    const link = await this.services.call(RepositoryRpc.blobLink, { repository: from, digest });
    const stat = link.linked ? await this.content.stat(digest) : null;
    if (!stat) return false;
    await this.services.call(RepositoryRpc.linkBlob, { actor: this.actor(claims), repository: name, digest, size: stat.size });
    // A collection may have set the bytes aside since they were checked: the recorded link makes it put them
    // back, or they come back from its trash here. Bytes gone for good mean no mount: the link goes again and
    // the client uploads the blob instead.
    if (!(await this.content.reclaim(digest))) {
      await this.services.call(RepositoryRpc.unlinkBlob, { actor: this.actor(claims), repository: name, digest });
      return false;
    }
    response.status(201).set({ Location: `/v2/${name}/blobs/${digest}`, 'Docker-Content-Digest': digest, 'Content-Length': '0' }).end();
    return true;
  }

  private lengthOf(request: Request): { expectedLength?: number } {
    const header = request.header('content-length');
    return header !== undefined && /^\d+$/.test(header) ? { expectedLength: Number(header) } : {};
  }

  /** Where a chunk must start (from its Content-Range) and how long it is; a bad range is 416 with the upload's range. */
  private async chunkOf(name: string, id: string, request: Request): Promise<{ start?: number; expectedLength?: number }> {
    const length = this.lengthOf(request);
    const header = request.header('content-range');
    if (header === undefined) return length;
    const range = chunkRange(header, length.expectedLength);
    if (!range) throw new OciError('RANGE_INVALID', `invalid Content-Range ${header}`, { size: (await this.uploads.status(name, id)).size }, 416);
    return { ...length, start: range.start };
  }

  private async upload(name: string, id: string, claims: RegistryTokenClaims, request: Request, response: Response): Promise<void> {
    switch (request.method) {
      case 'GET': {
        const { size } = await this.uploads.status(name, id);
        this.uploadHeaders(response, name, id, size);
        response.status(204).end();
        return;
      }
      case 'PATCH': {
        const { size } = await this.uploads.append(name, id, request, await this.chunkOf(name, id, request));
        this.uploadHeaders(response, name, id, size);
        response.status(202).end();
        return;
      }
      case 'PUT': {
        const digest = (request.query as Record<string, unknown>).digest;
        if (typeof digest !== 'string' || !parseDigest(digest)) throw new OciError('DIGEST_INVALID', 'a valid digest parameter is required', {});
        const length = this.lengthOf(request).expectedLength;
        // The closing chunk is checked exactly as a PATCH's: out of order is 416 and appends nothing.
        if (length === undefined || length > 0) await this.uploads.append(name, id, request, await this.chunkOf(name, id, request));
        await this.finishUpload(name, id, digest, claims, response);
        return;
      }
      case 'DELETE':
        await this.uploads.cancel(name, id);
        response.status(204).end();
        return;
      default:
        throw new OciError('UNSUPPORTED', `${request.method} is not supported on uploads`);
    }
  }

  // ---- listings --------------------------------------------------------------------------------------

  private async listTags(name: string, request: Request, response: Response): Promise<void> {
    if (request.method !== 'GET') throw new OciError('UNSUPPORTED', `${request.method} is not supported on tag lists`);
    const query = request.query as Record<string, unknown>;
    const n = positiveInteger(query.n);
    const last = typeof query.last === 'string' ? query.last : undefined;
    if (n === 0) {
      response.status(200).json({ name, tags: [] });
      return;
    }
    const { tags, more } = await this.services.call(RepositoryRpc.listTags, {
      repository: name,
      ...(n !== undefined ? { limit: Math.min(n, 10000) } : {}),
      ...(last !== undefined ? { after: last } : {}),
    });
    if (more && tags.length > 0) {
      response.setHeader('Link', `</v2/${name}/tags/list?n=${n}&last=${encodeURIComponent(tags[tags.length - 1]!)}>; rel="next"`);
    }
    response.status(200).json({ name, tags });
  }

  /** Repositories the caller may pull, in name order, `n` at a time after `last`. */
  private async listCatalog(claims: RegistryTokenClaims, request: Request, response: Response): Promise<void> {
    const query = request.query as Record<string, unknown>;
    const n = Math.min(positiveInteger(query.n) ?? 100, 1000);
    let after = typeof query.last === 'string' ? query.last : undefined;
    const principal = claims.wharf ?? null;
    const repositories: string[] = [];
    let more = true;
    while (repositories.length < n && more) {
      // As many names as are still wanted (n is at most 1,000; at least 100: some may not be the caller's to see).
      const page = await this.services.call(RepositoryRpc.listRepositories, { limit: Math.max(100, n - repositories.length), ...(after !== undefined ? { after } : {}) });
      more = page.more;
      if (page.names.length === 0) break;
      const { granted } = await this.services.call(AccessRpc.authorize, {
        principal,
        requests: page.names.map((repository) => ({ repository, actions: ['pull' as const] })),
      });
      for (const entry of granted) {
        if (entry.actions.includes('pull') && repositories.length < n) repositories.push(entry.repository);
      }
      after = page.names[page.names.length - 1];
      if (repositories.length === n && repositories[n - 1] !== after) more = true;
    }
    if (more && repositories.length === n && n > 0) {
      response.setHeader('Link', `</v2/_catalog?n=${n}&last=${encodeURIComponent(repositories[n - 1]!)}>; rel="next"`);
    }
    response.status(200).json({ repositories });
  }

  private async referrers(name: string, digest: string, request: Request, response: Response): Promise<void> {
    if (request.method !== 'GET') throw new OciError('UNSUPPORTED', `${request.method} is not supported on referrers`);
    requireDigest(digest);
    const artifactType = (request.query as Record<string, unknown>).artifactType;
    const filter = typeof artifactType === 'string' ? artifactType : undefined;
    const { manifests } = await this.services.call(RepositoryRpc.referrers, { repository: name, digest, ...(filter ? { artifactType: filter } : {}) });
    if (filter) response.setHeader('OCI-Filters-Applied', 'artifactType');
    // Written as bytes: Express would add `; charset=utf-8` to a string body, and the spec wants the bare type.
    response.status(200).setHeader('Content-Type', MediaTypes.ociIndex);
    response.end(Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests })));
  }

  // ---- token endpoint --------------------------------------------------------------------------------

  /**
   * Docker token authentication: GET with HTTP Basic credentials (or none, for anonymous pulls), or POST with
   * the OAuth2 password form. Answers `token` and `access_token`, `expires_in` and `issued_at`.
   */
  async token(request: Request, response: Response): Promise<void> {
    try {
      const form = request.method === 'POST' ? new URLSearchParams((await readLimitedBody(request, MAX_TOKEN_FORM_BYTES, 'SIZE_INVALID')).toString()) : undefined;
      const params = form ?? new URLSearchParams(request.originalUrl.split('?')[1] ?? '');
      let credentials: { username: string; password: string } | null = null;
      const basic = /^Basic\s+(\S+)\s*$/i.exec(request.header('authorization') ?? '');
      if (basic?.[1]) {
        const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        if (colon < 0) throw new OciError('UNAUTHORIZED', 'malformed Basic credentials');
        credentials = { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
      } else if (form && form.get('grant_type') === 'password') {
        credentials = { username: form.get('username') ?? '', password: form.get('password') ?? '' };
      } else if (form && form.get('grant_type') === 'refresh_token') {
        throw new OciError('UNSUPPORTED', 'refresh tokens are not issued; use the password grant', {}, 400);
      }
      const scopes = params
        .getAll('scope')
        .flatMap((value) => value.split(' '))
        .filter((value) => value.length > 0)
        .map((value) => parseScope(value))
        .filter((scope): scope is NonNullable<typeof scope> => scope !== null);
      const issued = await this.services.call(IdentityRpc.issueRegistryToken, {
        credentials,
        service: params.get('service') ?? this.serviceName,
        scopes,
        ...(request.ip !== undefined ? { clientAddress: request.ip } : {}),
      });
      response.status(200).json({ token: issued.token, access_token: issued.token, expires_in: issued.expiresIn, issued_at: issued.issuedAt });
    } catch (error) {
      this.fail(response, error);
    }
  }
}
