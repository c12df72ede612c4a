import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config';

describe('configuration', () => {
  it('defaults to the embedded mode on 127.0.0.1 with SQLite under ./.wharf', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      apiPort: 8080,
      registryPort: 5000,
      publicRegistryUrl: 'http://127.0.0.1:5000',
      transport: { kind: 'inprocess' },
      eventStore: { kind: 'sqlite' },
      readModel: { kind: 'sqlite' },
      sessionTtlSeconds: 86400,
      gcGraceSeconds: 3600,
    });
    expect(config.dataDir.endsWith('.wharf')).toBe(true);
  });

  it('reads the distributed settings', () => {
    const config = loadConfig({
      WHARF_TRANSPORT: 'nats',
      NATS_URL: 'nats://127.0.0.1:4222',
      WHARF_EVENT_STORE: 'kurrentdb',
      KURRENTDB_URL: 'kurrentdb://127.0.0.1:2113?tls=false',
      WHARF_READ_MODEL: 'mongodb',
      MONGODB_URL: 'mongodb://127.0.0.1:27017',
    });
    expect(config.transport).toEqual({ kind: 'nats', url: 'nats://127.0.0.1:4222' });
    expect(config.eventStore).toEqual({ kind: 'kurrentdb', url: 'kurrentdb://127.0.0.1:2113?tls=false' });
    expect(config.readModel).toEqual({ kind: 'mongodb', url: 'mongodb://127.0.0.1:27017' });
  });

  it('reads the log level and format and the metrics port, refusing values it does not know', () => {
    expect(loadConfig({})).toMatchObject({ logLevel: 'log', logFormat: undefined, metricsPort: undefined });
    expect(loadConfig({ WHARF_LOG_LEVEL: 'debug', WHARF_LOG_FORMAT: 'json', WHARF_METRICS_PORT: '9464' })).toMatchObject({ logLevel: 'debug', logFormat: 'json', metricsPort: 9464 });
    expect(() => loadConfig({ WHARF_LOG_LEVEL: 'info' })).toThrow(/WHARF_LOG_LEVEL/);
    expect(() => loadConfig({ WHARF_LOG_FORMAT: 'text' })).toThrow(/WHARF_LOG_FORMAT/);
    expect(() => loadConfig({ WHARF_METRICS_PORT: '70000' })).toThrow(/WHARF_METRICS_PORT/);
  });

  it('keeps blobs on the filesystem unless WHARF_BLOB_STORE=s3 names a bucket', () => {
    expect(loadConfig({}).blobStore).toEqual({ kind: 'filesystem' });
    expect(
      loadConfig({ WHARF_BLOB_STORE: 's3', WHARF_S3_BUCKET: 'blobs', WHARF_S3_ENDPOINT: 'http://127.0.0.1:9000', WHARF_S3_PREFIX: 'wharf/prod' }).blobStore,
    ).toEqual({ kind: 's3', bucket: 'blobs', region: 'us-east-1', prefix: 'wharf/prod', endpoint: 'http://127.0.0.1:9000', redirects: false });
    expect(loadConfig({ WHARF_BLOB_STORE: 's3', WHARF_S3_BUCKET: 'blobs', WHARF_S3_REGION: 'eu-west-1', WHARF_S3_REDIRECT: 'true' }).blobStore).toEqual({
      kind: 's3',
      bucket: 'blobs',
      region: 'eu-west-1',
      prefix: '',
      redirects: true,
    });
  });

  it("gives Selectel registries Selectel's 20 GiB size limit unless WHARF_REGISTRY_SIZE_LIMIT says otherwise", () => {
    expect(loadConfig({}).registrySizeLimit).toBe(21474836480);
    expect(loadConfig({ WHARF_REGISTRY_SIZE_LIMIT: '1048576' }).registrySizeLimit).toBe(1048576);
  });

  it('refuses a wildcard WHARF_HOST without WHARF_PUBLIC_REGISTRY_URL, which the token realm is built from', () => {
    for (const host of ['0.0.0.0', '::']) {
      expect(() => loadConfig({ WHARF_HOST: host })).toThrow(new RegExp(`WHARF_PUBLIC_REGISTRY_URL: is required when WHARF_HOST=${host}`));
    }
    expect(loadConfig({ WHARF_HOST: '0.0.0.0', WHARF_PUBLIC_REGISTRY_URL: 'https://registry.example.com' }).publicRegistryUrl).toBe('https://registry.example.com');
  });

  it('serves HTTPS with WHARF_TLS_CERT and WHARF_TLS_KEY together, and then shows clients an https registry address', () => {
    expect(loadConfig({}).tls).toBeUndefined();
    const config = loadConfig({ WHARF_TLS_CERT: '/etc/wharf/tls.crt', WHARF_TLS_KEY: '/etc/wharf/tls.key', WHARF_REGISTRY_PORT: '5443' });
    expect(config.tls).toEqual({ certPath: '/etc/wharf/tls.crt', keyPath: '/etc/wharf/tls.key' });
    expect(config.publicRegistryUrl).toBe('https://127.0.0.1:5443');
    expect(() => loadConfig({ WHARF_TLS_CERT: '/etc/wharf/tls.crt' })).toThrow(/WHARF_TLS_KEY: is required when WHARF_TLS_CERT is set/);
    expect(() => loadConfig({ WHARF_TLS_KEY: '/etc/wharf/tls.key' })).toThrow(/WHARF_TLS_CERT: is required when WHARF_TLS_KEY is set/);
  });

  it('trusts no proxy unless WHARF_TRUST_PROXY names hops, addresses, ranges or Express range names, and never everyone', () => {
    expect(loadConfig({}).trustProxy).toBeUndefined();
    expect(loadConfig({ WHARF_TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ WHARF_TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::1' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', 'fd00::1']);
    for (const value of ['true', 'everyone', '10.0.0.0/33', '10.0.0.1/8/1', ',']) {
      expect(() => loadConfig({ WHARF_TRUST_PROXY: value })).toThrow(/WHARF_TRUST_PROXY: must be a hop count/);
    }
  });

  it('lets a process supply its own defaults, which the environment overrides', () => {
    expect(() => loadConfig({}, { WHARF_TRANSPORT: 'nats' })).toThrow(/NATS_URL/);
    expect(loadConfig({ WHARF_TRANSPORT: 'inprocess' }, { WHARF_TRANSPORT: 'nats' }).transport.kind).toBe('inprocess');
  });

  it('schedules retention daily and syncs to the regions given inline or in a file', () => {
    const defaults = loadConfig({});
    expect([defaults.retentionSchedule, defaults.sync]).toEqual(['0 3 * * *', { regions: [], timeoutSeconds: 3600 }]);
    const regions = '[{"regionID":"dr","url":"https://dr.example:5000/","username":"sync","password":"secret"}]';
    const expected = [{ regionID: 'dr', url: 'https://dr.example:5000', username: 'sync', password: 'secret' }];
    expect(loadConfig({ WHARF_SYNC_REGIONS: regions, WHARF_RETENTION_SCHEDULE: '*/5 * * * * *' })).toMatchObject({ retentionSchedule: '*/5 * * * * *', sync: { regions: expected } });
    const file = join(mkdtempSync(join(tmpdir(), 'wharf-regions-')), 'regions.json');
    writeFileSync(file, regions);
    expect(loadConfig({ WHARF_SYNC_REGIONS: `@${file}` }).sync.regions).toEqual(expected);
  });

  it.each([
    [{ WHARF_API_PORT: 'eighty' }, 'WHARF_API_PORT'],
    [{ WHARF_REGISTRY_PORT: '70000' }, 'WHARF_REGISTRY_PORT'],
    [{ WHARF_TRANSPORT: 'carrier-pigeon' }, 'WHARF_TRANSPORT'],
    [{ WHARF_TRANSPORT: 'nats' }, 'NATS_URL'],
    [{ WHARF_EVENT_STORE: 'kurrentdb' }, 'KURRENTDB_URL'],
    [{ WHARF_READ_MODEL: 'mongodb' }, 'MONGODB_URL'],
    [{ WHARF_ADMIN_PASSWORD: 'short' }, 'WHARF_ADMIN_PASSWORD'],
    [{ WHARF_PUBLIC_REGISTRY_URL: 'not a url' }, 'WHARF_PUBLIC_REGISTRY_URL'],
    [{ WHARF_GC_GRACE_SECONDS: '-1' }, 'WHARF_GC_GRACE_SECONDS'],
    [{ WHARF_REGISTRY_SIZE_LIMIT: '0' }, 'WHARF_REGISTRY_SIZE_LIMIT'],
    [{ WHARF_REGISTRY_SIZE_LIMIT: '20GiB' }, 'WHARF_REGISTRY_SIZE_LIMIT'],
    [{ WHARF_BLOB_STORE: 'tape' }, 'WHARF_BLOB_STORE'],
    [{ WHARF_BLOB_STORE: 's3' }, 'WHARF_S3_BUCKET'],
    [{ WHARF_BLOB_STORE: 's3', WHARF_S3_BUCKET: 'Not_A_Bucket' }, 'WHARF_S3_BUCKET'],
    [{ WHARF_BLOB_STORE: 's3', WHARF_S3_BUCKET: 'blobs', WHARF_S3_ENDPOINT: 'not a url' }, 'WHARF_S3_ENDPOINT'],
    [{ WHARF_BLOB_STORE: 's3', WHARF_S3_BUCKET: 'blobs', WHARF_S3_PREFIX: '/wharf/' }, 'WHARF_S3_PREFIX'],
    [{ WHARF_BLOB_STORE: 's3', WHARF_S3_BUCKET: 'blobs', WHARF_S3_REDIRECT: 'yes' }, 'WHARF_S3_REDIRECT'],
    [{ WHARF_RETENTION_SCHEDULE: 'every night' }, 'WHARF_RETENTION_SCHEDULE'],
    [{ WHARF_RETENTION_SCHEDULE: '0 25 * * *' }, 'WHARF_RETENTION_SCHEDULE'],
    [{ WHARF_SYNC_REGIONS: 'dr=http://x' }, 'WHARF_SYNC_REGIONS'],
    [{ WHARF_SYNC_REGIONS: '[{"regionID":"dr","url":"http://x:5000/v2/"}]' }, 'WHARF_SYNC_REGIONS'],
    [{ WHARF_SYNC_REGIONS: '[{"regionID":"dr","url":"http://a"},{"regionID":"dr","url":"http://b"}]' }, 'WHARF_SYNC_REGIONS'],
    [{ WHARF_SYNC_REGIONS: '@/nonexistent/regions.json' }, 'WHARF_SYNC_REGIONS'],
    [{ WHARF_SYNC_TIMEOUT_SECONDS: '5' }, 'WHARF_SYNC_TIMEOUT_SECONDS'],
  ])('refuses %j naming %s', (env, variable) => {
    let thrown: unknown;
    try {
      loadConfig(env);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).message).toContain(variable);
  });
});
