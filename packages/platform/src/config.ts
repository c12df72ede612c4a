import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { z } from 'zod';
import { cronSchedule, STANDARD_WEBHOOK_SCHEDULE, syncRegions, webhookRetrySchedule, type SyncRegionSetting } from './lifecycle-settings';

const port = z.coerce.number().int().min(0).max(65535);
/** An account quota's default limit (SWR's `quota_limit` is an int32). */
const quota = z.coerce.number().int().min(0).max(2_147_483_647);
/** An operator secret key: long enough to carry 256 bits when it is random (a generated one is 43 characters). */
const operatorKey = z.string().min(32, 'must be at least 32 characters');

/** Express's names for address ranges a proxy may be trusted in. */
const PROXY_RANGES = ['loopback', 'linklocal', 'uniquelocal'];
const isProxyAddress = (entry: string): boolean => {
  const [address, bits, ...rest] = entry.split('/');
  if (rest.length > 0 || !address || !isIP(address)) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (isIP(address) === 4 ? 32 : 128));
};
/**
 * Which proxies' `X-Forwarded-*` headers to believe: a number of hops, or addresses, CIDR ranges and Express's
 * names (`loopback`, `linklocal`, `uniquelocal`), comma-separated. Never everyone: a client could then claim any
 * address and escape the login throttle.
 */
const trustProxy = z
  .string()
  .transform((value, ctx) => {
    if (/^\d+$/.test(value.trim())) return Number(value.trim());
    const entries = value.split(',').map((entry) => entry.trim()).filter((entry) => entry.length > 0);
    const bad = entries.find((entry) => !PROXY_RANGES.includes(entry) && !isProxyAddress(entry));
    if (entries.length === 0 || bad !== undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be a hop count, or addresses, CIDR ranges, loopback, linklocal or uniquelocal, comma-separated${bad !== undefined ? ` (not ${JSON.stringify(bad)})` : ''}` });
      return z.NEVER;
    }
    return entries;
  });

/** Bind addresses that listen on every interface. */
const WILDCARD_HOSTS: readonly string[] = ['0.0.0.0', '::', '[::]'];

/** Every setting Wharf reads from the environment, with its default. Parsed once per process. */
export const ConfigSchema = z
  .object({
    WHARF_DATA_DIR: z.string().min(1).default('./.wharf'),
    WHARF_HOST: z.string().min(1).default('127.0.0.1'),
    WHARF_API_PORT: port.default(8080),
    WHARF_REGISTRY_PORT: port.default(5000),
    WHARF_PUBLIC_REGISTRY_URL: z.string().url().optional(),
    WHARF_TRANSPORT: z.enum(['inprocess', 'nats']).default('inprocess'),
    NATS_URL: z.string().min(1).optional(),
    WHARF_EVENT_STORE: z.enum(['sqlite', 'kurrentdb']).default('sqlite'),
    KURRENTDB_URL: z.string().min(1).optional(),
    WHARF_READ_MODEL: z.enum(['sqlite', 'mongodb']).default('sqlite'),
    MONGODB_URL: z.string().min(1).optional(),
    WHARF_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
    WHARF_REGION: z.string().regex(/^[a-z0-9-]{1,32}$/, 'must be 1-32 lowercase letters, digits or -').default('wharf-1'),
    WHARF_SESSION_TTL_SECONDS: z.coerce.number().int().min(60).max(7 * 24 * 3600).default(24 * 3600),
    WHARF_LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug']).default('log'),
    /** `json` or `pretty`; by default pretty on a terminal, JSON anywhere else. */
    WHARF_LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
    /** A port of its own for `/metrics`, for the processes that have no HTTP port (identity, catalog, access, lifecycle). */
    WHARF_METRICS_PORT: port.optional(),
    WHARF_QUOTA_NAMESPACES: quota.default(100),
    WHARF_QUOTA_REPOSITORIES: quota.default(10_000),
    WHARF_QUOTA_TAGS: quota.default(1_000_000),
    /** Bytes a Selectel registry may hold (its `sizeLimit`); Selectel's default is 20 GiB. */
    WHARF_REGISTRY_SIZE_LIMIT: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).default(21_474_836_480),
    /** Garbage collection never takes content linked or pushed this recently (0 protects only what came after the run started). */
    WHARF_GC_GRACE_SECONDS: z.coerce.number().int().min(0).max(30 * 24 * 3600).default(3600),
    /** Uploads started longer ago than this are removed, with what crashed writes left (Distribution's upload purging: 168 h). */
    WHARF_UPLOAD_MAX_AGE_SECONDS: z.coerce.number().int().min(1).max(365 * 24 * 3600).default(7 * 24 * 3600),
    /** How often lifecycle looks for such uploads; 0 never. */
    WHARF_UPLOAD_PURGE_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(30 * 24 * 3600).default(24 * 3600),
    /** The operator's key that encrypts secrets at rest (signing keys); or WHARF_SECRET_KEY_FILE, else `<data dir>/secret.key`. */
    WHARF_SECRET_KEY: operatorKey.optional(),
    WHARF_SECRET_KEY_FILE: z.string().min(1).optional(),
    /** Keys that encrypted secrets before the current one, comma-separated: still read, never written. */
    WHARF_PREVIOUS_SECRET_KEYS: z
      .string()
      .transform((value) => value.split(',').map((key) => key.trim()).filter((key) => key.length > 0))
      .pipe(z.array(operatorKey))
      .optional(),
    /** A registry-token signing key signs for this many days; then a new one signs and the old one only verifies. */
    WHARF_SIGNING_KEY_ROTATION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
    /** Where blob bytes live: under WHARF_DATA_DIR, or in an S3 bucket (credentials from the AWS SDK's standard chain). */
    WHARF_BLOB_STORE: z.enum(['filesystem', 's3']).default('filesystem'),
    WHARF_S3_ENDPOINT: z.string().url().optional(),
    WHARF_S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name').optional(),
    WHARF_S3_REGION: z.string().min(1).default('us-east-1'),
    /** Blob GETs answer 307 to a presigned URL of the bucket, so clients fetch the bytes from S3 itself. */
    WHARF_S3_REDIRECT: z.enum(['true', 'false']).default('false'),
    /** PEM files of the certificate (chain) and private key both HTTP ports serve; re-read on SIGHUP. */
    WHARF_TLS_CERT: z.string().min(1).optional(),
    WHARF_TLS_KEY: z.string().min(1).optional(),
    WHARF_TRUST_PROXY: trustProxy.optional(),
    WHARF_S3_PREFIX: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9._-]*(\/[A-Za-z0-9_][A-Za-z0-9._-]*)*$/, 'must be /-separated names, without leading or trailing /').optional(),
    /** When retention policies run, in cron syntax (UTC); daily at 03:00 by default. */
    WHARF_RETENTION_SCHEDULE: cronSchedule.default('0 3 * * *'),
    /** Registries images may be synchronized to: a JSON array, or `@/path/to/file.json` holding one. */
    WHARF_SYNC_REGIONS: syncRegions.default('[]'),
    /** A sync job still unfinished this long after it was queued stops with status `timeout`. */
    WHARF_SYNC_TIMEOUT_SECONDS: z.coerce.number().int().min(10).max(7 * 24 * 3600).default(3600),
    /** Delays before each attempt of a trigger's delivery (as many attempts as entries); Standard Webhooks' by default. */
    WHARF_WEBHOOK_RETRY_SCHEDULE: webhookRetrySchedule.default(STANDARD_WEBHOOK_SCHEDULE),
    WHARF_WEBHOOK_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(300).default(15),
    /** Lets webhook targets and cluster API servers resolve to loopback, link-local and private addresses. */
    WHARF_WEBHOOK_ALLOW_PRIVATE: z.enum(['true', 'false']).default('false'),
  })
  .superRefine((env, ctx) => {
    const requireWhen = (when: boolean, variable: keyof typeof env, because: string) => {
      if (when && !env[variable]) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [variable], message: `is required ${because}` });
    };
    requireWhen(env.WHARF_TRANSPORT === 'nats', 'NATS_URL', 'when WHARF_TRANSPORT=nats');
    requireWhen(env.WHARF_EVENT_STORE === 'kurrentdb', 'KURRENTDB_URL', 'when WHARF_EVENT_STORE=kurrentdb');
    requireWhen(env.WHARF_READ_MODEL === 'mongodb', 'MONGODB_URL', 'when WHARF_READ_MODEL=mongodb');
    // A wildcard bind address names no host a client can reach, so it cannot be the token realm clients are sent to.
    if (WILDCARD_HOSTS.includes(env.WHARF_HOST) && !env.WHARF_PUBLIC_REGISTRY_URL) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['WHARF_PUBLIC_REGISTRY_URL'],
        message: `is required when WHARF_HOST=${env.WHARF_HOST}: set it to the address clients use (e.g. http://registry.example.com:5000), which the token challenge's realm is built from`,
      });
    }
    if (env.WHARF_SECRET_KEY && env.WHARF_SECRET_KEY_FILE) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['WHARF_SECRET_KEY_FILE'], message: 'cannot be set together with WHARF_SECRET_KEY' });
    }
    requireWhen(env.WHARF_BLOB_STORE === 's3', 'WHARF_S3_BUCKET', 'when WHARF_BLOB_STORE=s3');
    requireWhen(env.WHARF_TLS_CERT !== undefined, 'WHARF_TLS_KEY', 'when WHARF_TLS_CERT is set');
    requireWhen(env.WHARF_TLS_KEY !== undefined, 'WHARF_TLS_CERT', 'when WHARF_TLS_KEY is set');
  });

export type RawConfig = z.infer<typeof ConfigSchema>;

export interface WharfConfig {
  dataDir: string;
  host: string;
  apiPort: number;
  registryPort: number;
  publicRegistryUrl: string;
  transport: { kind: 'inprocess' } | { kind: 'nats'; url: string };
  eventStore: { kind: 'sqlite'; path: string } | { kind: 'kurrentdb'; url: string };
  readModel: { kind: 'sqlite'; path: string } | { kind: 'mongodb'; url: string };
  adminPassword: string | undefined;
  /** The region name SWR login commands use as the user-name prefix. */
  region: string;
  sessionTtlSeconds: number;
  logLevel: RawConfig['WHARF_LOG_LEVEL'];
  logFormat: RawConfig['WHARF_LOG_FORMAT'];
  metricsPort: number | undefined;
  /** Each account's limits until the system administrator sets its own. */
  quotaDefaults: { namespace: number; repository: number; tag: number };
  /** Bytes each Selectel registry may hold (`sizeLimit`). */
  registrySizeLimit: number;
  /** Garbage collection's grace window: content linked or pushed within it is never collected. */
  gcGraceSeconds: number;
  /** Upload purging: sessions older than `maxAgeSeconds` go, checked every `intervalSeconds` (0: never). */
  uploadPurge: { maxAgeSeconds: number; intervalSeconds: number };
  /**
   * Where the operator key for secrets at rest comes from: the environment, a file the operator provides, or a
   * file Wharf generates in the data directory on first start. `previous` keys only decrypt.
   */
  secretKey: { source: { kind: 'value'; value: string } | { kind: 'file'; path: string; generate: boolean }; previous: string[] };
  signingKeyRotationDays: number;
  /** Where blob bytes live: the filesystem under `dataDir`, or an S3 bucket (path-style addressing). */
  blobStore: { kind: 'filesystem' } | { kind: 's3'; bucket: string; region: string; prefix: string; endpoint?: string; redirects: boolean };
  /** PEM files both HTTP ports serve HTTPS with; undefined: plain HTTP. */
  tls: { certPath: string; keyPath: string } | undefined;
  /** Express's `trust proxy`: the proxies whose `X-Forwarded-For/-Proto/-Host` count; undefined trusts none. */
  trustProxy: number | string[] | undefined;
  /** Cron schedule of retention runs (UTC). */
  retentionSchedule: string;
  /** Where images may be synchronized to, and how long a sync job may take. */
  sync: { regions: SyncRegionSetting[]; timeoutSeconds: number };
  /** Webhook deliveries: the delay before each attempt (ms; as many attempts as entries), one attempt's time limit, private targets. */
  webhooks: { retrySchedule: number[]; timeoutMs: number; allowPrivate: boolean };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; a bad value throws a ConfigError naming the variable. */
export const loadConfig = (env: NodeJS.ProcessEnv = process.env, defaults: Partial<Record<keyof RawConfig, string>> = {}): WharfConfig => {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = ConfigSchema.safeParse({ ...defaults, ...present });
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const raw = parsed.data;
  const dataDir = resolve(raw.WHARF_DATA_DIR);
  const tls = raw.WHARF_TLS_CERT && raw.WHARF_TLS_KEY ? { certPath: resolve(raw.WHARF_TLS_CERT), keyPath: resolve(raw.WHARF_TLS_KEY) } : undefined;
  const sqlitePath = resolve(dataDir, 'wharf.db');
  return {
    dataDir,
    host: raw.WHARF_HOST,
    apiPort: raw.WHARF_API_PORT,
    registryPort: raw.WHARF_REGISTRY_PORT,
    publicRegistryUrl: raw.WHARF_PUBLIC_REGISTRY_URL ?? `${tls ? 'https' : 'http'}://${raw.WHARF_HOST}:${raw.WHARF_REGISTRY_PORT}`,
    transport: raw.WHARF_TRANSPORT === 'nats' ? { kind: 'nats', url: raw.NATS_URL! } : { kind: 'inprocess' },
    eventStore: raw.WHARF_EVENT_STORE === 'kurrentdb' ? { kind: 'kurrentdb', url: raw.KURRENTDB_URL! } : { kind: 'sqlite', path: sqlitePath },
    readModel: raw.WHARF_READ_MODEL === 'mongodb' ? { kind: 'mongodb', url: raw.MONGODB_URL! } : { kind: 'sqlite', path: sqlitePath },
    adminPassword: raw.WHARF_ADMIN_PASSWORD,
    region: raw.WHARF_REGION,
    sessionTtlSeconds: raw.WHARF_SESSION_TTL_SECONDS,
    logLevel: raw.WHARF_LOG_LEVEL,
    logFormat: raw.WHARF_LOG_FORMAT,
    metricsPort: raw.WHARF_METRICS_PORT,
    quotaDefaults: { namespace: raw.WHARF_QUOTA_NAMESPACES, repository: raw.WHARF_QUOTA_REPOSITORIES, tag: raw.WHARF_QUOTA_TAGS },
    registrySizeLimit: raw.WHARF_REGISTRY_SIZE_LIMIT,
    gcGraceSeconds: raw.WHARF_GC_GRACE_SECONDS,
    uploadPurge: { maxAgeSeconds: raw.WHARF_UPLOAD_MAX_AGE_SECONDS, intervalSeconds: raw.WHARF_UPLOAD_PURGE_INTERVAL_SECONDS },
    secretKey: {
      source: raw.WHARF_SECRET_KEY
        ? { kind: 'value', value: raw.WHARF_SECRET_KEY }
        : raw.WHARF_SECRET_KEY_FILE
          ? { kind: 'file', path: resolve(raw.WHARF_SECRET_KEY_FILE), generate: false }
          : { kind: 'file', path: resolve(dataDir, 'secret.key'), generate: true },
      previous: raw.WHARF_PREVIOUS_SECRET_KEYS ?? [],
    },
    signingKeyRotationDays: raw.WHARF_SIGNING_KEY_ROTATION_DAYS,
    blobStore:
      raw.WHARF_BLOB_STORE === 's3'
        ? {
            kind: 's3',
            bucket: raw.WHARF_S3_BUCKET!,
            region: raw.WHARF_S3_REGION,
            prefix: raw.WHARF_S3_PREFIX ?? '',
            redirects: raw.WHARF_S3_REDIRECT === 'true',
            ...(raw.WHARF_S3_ENDPOINT ? { endpoint: raw.WHARF_S3_ENDPOINT } : {}),
          }
        : { kind: 'filesystem' },
    tls,
    trustProxy: raw.WHARF_TRUST_PROXY,
    retentionSchedule: raw.WHARF_RETENTION_SCHEDULE,
    sync: { regions: raw.WHARF_SYNC_REGIONS, timeoutSeconds: raw.WHARF_SYNC_TIMEOUT_SECONDS },
    webhooks: {
      retrySchedule: raw.WHARF_WEBHOOK_RETRY_SCHEDULE,
      timeoutMs: raw.WHARF_WEBHOOK_TIMEOUT_SECONDS * 1000,
      allowPrivate: raw.WHARF_WEBHOOK_ALLOW_PRIVATE === 'true',
    },
  };
};
