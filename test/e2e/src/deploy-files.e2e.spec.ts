import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PodMonitor, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { ConfigMap, Namespace, PersistentVolumeClaim, Secret, Service } from 'kubernetes-models/v1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { parseAllDocuments } from 'yaml';

const DEPLOY = resolve(__dirname, '../../../deploy');

/** The Kubernetes object schemas (kubernetes-models), by apiVersion and kind. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PodMonitor': PodMonitor,
};

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  [field: string]: unknown;
}

interface Container {
  name: string;
  ports?: Array<{ name?: string; containerPort: number }>;
  readinessProbe?: unknown;
  livenessProbe?: unknown;
  resources?: { requests?: { cpu?: string; memory?: string } };
  envFrom?: Array<{ secretRef?: { name: string }; configMapRef?: { name: string } }>;
}

const validate = (manifest: Manifest): void => {
  const Model = MODELS[`${manifest.apiVersion}/${manifest.kind}`];
  if (!Model) throw new Error(`no schema for ${manifest.apiVersion} ${manifest.kind}`);
  new Model(manifest as never).validate();
};

const kubernetesManifests = (): Manifest[] =>
  readdirSync(join(DEPLOY, 'kubernetes'))
    .filter((file) => file.endsWith('.yaml'))
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(DEPLOY, 'kubernetes', file), 'utf8')).map((document) => {
        if (document.errors.length > 0) throw new Error(`${file}: ${document.errors.map(String).join('; ')}`);
        return document.toJS() as Manifest;
      }),
    );

const composeConfig = (file: string, env: Record<string, string>): string =>
  execFileSync('docker-compose', ['-f', join(DEPLOY, 'compose', file), 'config'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });

describe('deployment files', () => {
  describe('compose', () => {
    it.each(['distributed.yaml', 'embedded.yaml'])('docker-compose config -q accepts %s', (file) => {
      expect(() =>
        execFileSync('docker-compose', ['-f', join(DEPLOY, 'compose', file), 'config', '-q'], {
          env: { PATH: process.env.PATH, HOME: process.env.HOME, WHARF_SECRET_KEY: 'a-test-key' },
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
      ).not.toThrow();
    });

    it('distributed: the engines and every app as its own service, health checks, restart policies, one blob volume', () => {
      const config = parseAllDocuments(composeConfig('distributed.yaml', { WHARF_SECRET_KEY: 'a-test-key' }))[0]!.toJS() as {
        services: Record<string, { command?: string[]; restart?: string; healthcheck?: { test: string[] }; volumes?: Array<string | { source: string; target: string }>; environment?: Record<string, string> }>;
        volumes: Record<string, unknown>;
      };
      const apps = ['identity', 'catalog', 'access', 'lifecycle', 'registry', 'gateway'];
      expect(Object.keys(config.services).sort()).toEqual([...apps, 'kurrentdb', 'mongodb', 'nats'].sort());
      expect(config.services.nats?.command).toContain('--jetstream');
      for (const [name, service] of Object.entries(config.services)) {
        expect({ name, restart: service.restart }).toEqual({ name, restart: 'unless-stopped' });
        expect(service.healthcheck?.test.length).toBeGreaterThan(1);
      }
      for (const app of apps) {
        expect(config.services[app]?.command).toEqual(['node', `apps/${app}/dist/main.js`]);
        expect(config.services[app]?.environment).toMatchObject({ WHARF_TRANSPORT: 'nats', WHARF_EVENT_STORE: 'kurrentdb', WHARF_READ_MODEL: 'mongodb', WHARF_SECRET_KEY: 'a-test-key' });
      }
      expect(config.services.gateway?.healthcheck?.test).toContain('http://127.0.0.1:8080/readyz');
      expect(config.services.registry?.healthcheck?.test).toContain('http://127.0.0.1:5000/readyz');
      const blobMount = (service: string) => JSON.stringify(config.services[service]?.volumes ?? []);
      expect(blobMount('registry')).toContain('/var/lib/wharf/registry');
      expect(blobMount('lifecycle')).toContain('/var/lib/wharf/registry');
      expect(Object.keys(config.volumes)).toContain('blobs');
    });

    it('refuses to render without WHARF_SECRET_KEY', () => {
      expect(() => composeConfig('distributed.yaml', {})).toThrow(/WHARF_SECRET_KEY/);
      expect(() => composeConfig('embedded.yaml', {})).toThrow(/WHARF_SECRET_KEY/);
    });
  });

  describe('kubernetes', () => {
    it('every manifest is valid against the Kubernetes object schemas', () => {
      const manifests = kubernetesManifests();
      expect(manifests.length).toBeGreaterThan(0);
      for (const manifest of manifests) expect(() => validate(manifest)).not.toThrow();
    });

    it('the schema check catches a malformed object', () => {
      const deployment = kubernetesManifests().find((m) => m.kind === 'Deployment')!;
      const broken = JSON.parse(JSON.stringify(deployment)) as { spec: { template: { spec: { containers: Array<{ ports?: unknown }> } } } } & Manifest;
      broken.spec.template.spec.containers[0]!.ports = [{ containerPort: 'eighty' }];
      expect(() => validate(broken)).toThrow(/containerPort/);
    });

    it('has Deployments with probes and resource requests, Services, a ConfigMap, Secrets, a PVC, a ServiceMonitor and a PodMonitor', () => {
      const manifests = kubernetesManifests();
      const ofKind = (kind: string) => manifests.filter((m) => m.kind === kind);
      const deployments = ofKind('Deployment') as Array<Manifest & { spec: { template: { spec: { containers: Container[] } } } }>;
      expect(deployments.map((d) => d.metadata.name).sort()).toEqual(['access', 'catalog', 'gateway', 'identity', 'lifecycle', 'registry']);
      for (const deployment of deployments) {
        for (const container of deployment.spec.template.spec.containers) {
          expect({ container: container.name, readiness: Boolean(container.readinessProbe) }).toEqual({ container: container.name, readiness: true });
          expect(container.resources?.requests?.cpu).toBeDefined();
          expect(container.resources?.requests?.memory).toBeDefined();
          expect(container.envFrom).toEqual(expect.arrayContaining([{ secretRef: { name: 'wharf-secret-key' } }, { configMapRef: { name: 'wharf-config' } }]));
        }
      }
      expect(ofKind('Service').map((s) => s.metadata.name)).toEqual(expect.arrayContaining(['gateway', 'registry', 'nats', 'kurrentdb', 'mongodb']));
      expect(ofKind('ConfigMap').map((c) => c.metadata.name)).toEqual(['wharf-config']);
      const secrets = ofKind('Secret') as Array<Manifest & { type: string; stringData: Record<string, string> }>;
      expect(secrets.find((s) => s.metadata.name === 'wharf-secret-key')?.stringData).toHaveProperty('WHARF_SECRET_KEY');
      expect(secrets.find((s) => s.type === 'kubernetes.io/tls')?.stringData).toEqual(expect.objectContaining({ 'tls.crt': expect.any(String), 'tls.key': expect.any(String) }));
      expect(ofKind('PersistentVolumeClaim').map((p) => p.metadata.name)).toEqual(['wharf-blobs']);
      expect(ofKind('ServiceMonitor')).toHaveLength(1);
      // The apps without a Service are scraped on WHARF_METRICS_PORT, which each declares as its `metrics` port.
      const [podMonitor] = ofKind('PodMonitor') as Array<Manifest & { spec: { selector: { matchExpressions: Array<{ values: string[] }> }; podMetricsEndpoints: Array<{ port: string }> } }>;
      const scraped = podMonitor!.spec.selector.matchExpressions[0]!.values;
      expect(scraped.sort()).toEqual(['access', 'catalog', 'identity', 'lifecycle']);
      expect(podMonitor!.spec.podMetricsEndpoints.map((endpoint) => endpoint.port)).toEqual(['metrics']);
      const config = ofKind('ConfigMap')[0] as Manifest & { data: Record<string, string> };
      for (const name of scraped) {
        const ports = deployments.find((d) => d.metadata.name === name)!.spec.template.spec.containers[0]!.ports;
        expect([name, ports]).toEqual([name, [{ name: 'metrics', containerPort: Number(config.data.WHARF_METRICS_PORT) }]]);
      }
    });
  });

  describe('Containerfile', () => {
    // No container engine can build images on this machine, so the file is checked by reading it.
    const stages = readFileSync(join(DEPLOY, 'Containerfile'), 'utf8')
      .replace(/\\\n/g, ' ')
      .split('\n')
      .filter((line) => /^[A-Z]+\s/.test(line))
      .reduce<string[][]>((all, line) => {
        if (line.startsWith('FROM ')) all.push([]);
        all.at(-1)?.push(line);
        return all;
      }, []);
    const runtime = stages.at(-1)!;

    it('is multi-stage', () => {
      expect(stages.length).toBeGreaterThanOrEqual(2);
      expect(stages.slice(0, -1).every((stage) => / AS [a-z-]+$/.test(stage[0]!))).toBe(true);
    });

    it('runs as a non-root user', () => {
      const user = runtime.filter((line) => line.startsWith('USER ')).at(-1);
      expect(user).toBeDefined();
      expect(user).not.toMatch(/^USER\s+(root|0)(:|\s|$)/);
    });

    it('ships only production dependencies and no build tools', () => {
      const copiedFrom = runtime.filter((line) => line.startsWith('COPY ')).map((line) => /--from=(\S+)/.exec(line)?.[1]);
      expect(copiedFrom.length).toBeGreaterThan(0);
      const producer = stages.find((stage) => stage[0]!.endsWith(` AS ${copiedFrom[0]}`))!;
      expect(copiedFrom.every((stage) => stage === copiedFrom[0])).toBe(true);
      expect(producer.join('\n')).toMatch(/npm (install|ci) [^\n]*--omit=dev/);
      expect(runtime.join('\n')).not.toMatch(/npm (install|ci)|apt-get install/);
    });
  });
});
