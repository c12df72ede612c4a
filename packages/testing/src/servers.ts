import { GenericContainer, Wait, getContainerRuntimeClient, type StartedTestContainer } from 'testcontainers';

/**
 * KurrentDB, MongoDB and MinIO cannot be installed on every machine. Suites that need them get a URL from the
 * environment, else from a container started here, else a reason to skip that the run prints.
 */
export interface ServerSpec {
  /** Environment variable that names an existing server, and that the global setup fills in. */
  env: 'KURRENTDB_URL' | 'MONGODB_URL' | 'MINIO_URL';
  image: string;
  port: number;
  toUrl: (host: string, port: number) => string;
  configure: (container: GenericContainer) => GenericContainer;
}

export const serverSpecs: Record<'kurrentdb' | 'mongodb' | 'minio', ServerSpec> = {
  kurrentdb: {
    env: 'KURRENTDB_URL',
    image: 'docker.kurrent.io/kurrent-latest/kurrentdb:latest',
    port: 2113,
    toUrl: (host, port) => `kurrentdb://${host}:${port}?tls=false`,
    configure: (c) =>
      c
        .withEnvironment({ KURRENTDB_INSECURE: 'true', KURRENTDB_RUN_PROJECTIONS: 'None', KURRENTDB_MEM_DB: 'true' })
        .withWaitStrategy(Wait.forHttp('/health/live', 2113).forStatusCode(204)),
  },
  mongodb: {
    env: 'MONGODB_URL',
    image: 'mongo:7',
    port: 27017,
    toUrl: (host, port) => `mongodb://${host}:${port}/?directConnection=true`,
    configure: (c) => c.withWaitStrategy(Wait.forLogMessage(/Waiting for connections/)),
  },
  /** An S3 API with the multipart-upload listing s3rver lacks; the URL carries the root credentials. */
  minio: {
    env: 'MINIO_URL',
    image: 'quay.io/minio/minio:latest',
    port: 9000,
    toUrl: (host, port) => `http://wharf:wharf-minio-secret@${host}:${port}`,
    configure: (c) =>
      c
        .withEnvironment({ MINIO_ROOT_USER: 'wharf', MINIO_ROOT_PASSWORD: 'wharf-minio-secret' })
        .withCommand(['server', '/data'])
        .withWaitStrategy(Wait.forHttp('/minio/health/live', 9000).forStatusCode(200)),
  },
};

export const skipReasonVariable = (spec: ServerSpec): string => `WHARF_SKIP_${spec.env}`;

export type ServerResolution = { url: string; container?: StartedTestContainer } | { skip: string };

export const containerRuntimeAvailable = async (): Promise<{ ok: true } | { ok: false; reason: string }> => {
  try {
    await getContainerRuntimeClient();
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
};

export const resolveServer = async (spec: ServerSpec): Promise<ServerResolution> => {
  const fromEnv = process.env[spec.env];
  if (fromEnv) return { url: fromEnv };
  const runtime = await containerRuntimeAvailable();
  if (!runtime.ok) return { skip: `${spec.env} is not set and no container runtime was found (${runtime.reason})` };
  try {
    const container = await spec.configure(new GenericContainer(spec.image).withExposedPorts(spec.port)).start();
    return { url: spec.toUrl(container.getHost(), container.getMappedPort(spec.port)), container };
  } catch (error) {
    return { skip: `could not start ${spec.image}: ${error instanceof Error ? error.message : String(error)}` };
  }
};

/**
 * For a suite that needs a server: the URL when one was found, otherwise undefined after printing why the
 * suite is skipped. Call at module level, then register the suite only when a URL came back.
 */
export const serverUrlOrSkip = (which: keyof typeof serverSpecs): string | undefined => {
  const spec = serverSpecs[which];
  const url = process.env[spec.env];
  if (url) return url;
  const reason = process.env[skipReasonVariable(spec)] ?? `${spec.env} is not set`;
  console.warn(`Skipping ${which} suites: ${reason}`);
  return undefined;
};
