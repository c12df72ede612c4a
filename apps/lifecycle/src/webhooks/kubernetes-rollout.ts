/**
 * What a `cce` trigger sends the Kubernetes API: a strategic-merge patch of the workload's pod template that sets
 * the image of its containers to the pushed one, pinned by digest (`<host>/<repository>:<tag>@<digest>`, so that a
 * moved tag rolls out too). With no `container` named, every container whose image is the pushed repository is
 * updated (SWR's default), found by reading the workload first.
 */

export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';

export const workloadPath = (namespace: string, appType: string, application: string): string =>
  `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/${appType}/${encodeURIComponent(application)}`;

/** An image reference without its tag and digest: `host:5000/ns/app:v1@sha256:…` → `host:5000/ns/app`. */
export const imageName = (reference: string): string => {
  const withoutDigest = reference.split('@')[0]!;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  return colon === -1 ? withoutDigest : withoutDigest.slice(0, colon);
};

interface Workload {
  spec?: { template?: { spec?: { containers?: { name?: unknown; image?: unknown }[] } } };
}

/** Names of the workload's containers running `image` (a name without tag or digest). */
export const containersUsing = (workload: unknown, image: string): string[] =>
  ((workload as Workload)?.spec?.template?.spec?.containers ?? [])
    .filter((container) => typeof container.name === 'string' && typeof container.image === 'string' && imageName(container.image) === image)
    .map((container) => container.name as string);

export const imagePatch = (containers: readonly string[], image: string): string =>
  JSON.stringify({ spec: { template: { spec: { containers: containers.map((name) => ({ name, image })) } } } });
