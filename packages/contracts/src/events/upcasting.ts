/**
 * Upcasting: a public event recorded under version n of its name is raised to the current version by applying
 * the upcasters n→n+1, n+1→n+2, … in turn. A catalog lists, per event name, the current version and one
 * upcaster per older version; a missing step is an error, never a silent pass-through.
 */
export type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

export interface VersionedCatalog<N extends string = string> {
  versions: Readonly<Record<N, number>>;
  /** `upcasters[name][n]` turns version n's data into version n+1's. */
  upcasters: Partial<Record<N, Readonly<Record<number, Upcaster>>>>;
}

export interface VersionedData<N extends string = string> {
  name: N;
  version: number;
  data: Record<string, unknown>;
}

export class UnknownEventVersionError extends Error {
  constructor(name: string, version: number) {
    super(`No way to upcast ${name} v${version}`);
    this.name = 'UnknownEventVersionError';
  }
}

export const upcast = <N extends string>(catalog: VersionedCatalog<N>, event: VersionedData<N>): VersionedData<N> => {
  const current = catalog.versions[event.name];
  if (current === undefined || !Number.isInteger(event.version) || event.version < 1 || event.version > current) {
    throw new UnknownEventVersionError(event.name, event.version);
  }
  let { version, data } = event;
  while (version < current) {
    const step = catalog.upcasters[event.name]?.[version];
    if (!step) throw new UnknownEventVersionError(event.name, version);
    data = step(data);
    version += 1;
  }
  return { name: event.name, version, data };
};
