/** One sample of a Prometheus text exposition. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Parses the text format (`name{label="value",…} number` lines; comments skipped). */
export const parseExposition = (text: string): Sample[] =>
  text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = SAMPLE.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries([...(match[2] ?? '').matchAll(LABEL)].map(([, key, value]) => [key!, value!.replace(/\\(.)/g, '$1')]));
      return { name: match[1]!, labels, value: Number(match[3]) };
    });

/** What one scrape of a `/metrics` URL answered. */
export class Scrape {
  constructor(readonly samples: Sample[]) {}

  static async of(url: string): Promise<Scrape> {
    const response = await fetch(url);
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${text}`);
    if (!response.headers.get('content-type')?.startsWith('text/plain; version=0.0.4')) throw new Error(`${url}: content type ${response.headers.get('content-type')}`);
    return new Scrape(parseExposition(text));
  }

  /** The samples named `name` whose labels include `labels`. */
  matching(name: string, labels: Record<string, string> = {}): Sample[] {
    return this.samples.filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
  }

  /** The sum of the matching samples' values (0 when there are none: a series not yet seen). */
  value(name: string, labels: Record<string, string> = {}): number {
    return this.matching(name, labels).reduce((sum, sample) => sum + sample.value, 0);
  }

  /** How much each matching series moved since `before`, keyed by its labels, series that did not move left out. */
  movedSince(before: Scrape, name: string, labels: Record<string, string> = {}): Record<string, number> {
    const moved: Record<string, number> = {};
    for (const sample of this.matching(name, labels)) {
      const key = Object.entries(sample.labels)
        .filter(([label]) => !(label in labels))
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([label, value]) => `${label}=${value}`)
        .join(',');
      const delta = sample.value - before.value(name, sample.labels);
      if (delta !== 0) moved[key] = delta;
    }
    return moved;
  }
}
