import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type CounterConfiguration, type GaugeConfiguration, type HistogramConfiguration, type Metric } from 'prom-client';

/**
 * The process's metrics: one registry per process, served at `/metrics` on every HTTP port the process has (and
 * on WHARF_METRICS_PORT when set). Every part of Wharf defines its metrics through `metrics` below, by name:
 * defining the same name again (a module registered twice, a test) gives back the metric already there.
 */
export const processMetrics = new Registry();

let processDefaults = false;

/** Node's own metrics (CPU, memory, event loop lag, GC, handles), once per process. */
export const collectProcessDefaults = (): void => {
  if (processDefaults) return;
  processDefaults = true;
  // The event loop's delay is sampled every 100 ms, not prom-client's default 10: its timer alone woke an idle
  // process a hundred times a second.
  collectDefaultMetrics({ register: processMetrics, eventLoopMonitoringPrecision: 100 });
};

const sameLabels = (metric: Metric, labelNames: readonly string[] = []): boolean => {
  const existing = (metric as unknown as { labelNames: readonly string[] }).labelNames;
  return existing.length === labelNames.length && existing.every((name) => labelNames.includes(name));
};

const defined = <M extends Metric>(name: string, kind: new (...args: never[]) => M, labelNames: readonly string[] | undefined, create: () => M): M => {
  const existing = processMetrics.getSingleMetric(name);
  if (!existing) return create();
  if (!(existing instanceof kind) || !sameLabels(existing, labelNames)) {
    throw new Error(`Metric ${name} is already defined with another type or other labels`);
  }
  return existing;
};

/** Request latency buckets in seconds: Distribution's (docker/go-metrics'), so its dashboards' quantiles read the same. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 60];

type Definition<C> = Omit<C, 'registers'>;

/** Defines (or finds) a metric in the process registry. Names are snake_case with a unit suffix, labels bounded. */
export const metrics = {
  counter: <L extends string>(config: Definition<CounterConfiguration<L>>): Counter<L> =>
    defined(config.name, Counter, config.labelNames, () => new Counter<L>({ ...config, registers: [processMetrics] })),
  gauge: <L extends string>(config: Definition<GaugeConfiguration<L>>): Gauge<L> =>
    defined(config.name, Gauge, config.labelNames, () => new Gauge<L>({ ...config, registers: [processMetrics] })),
  histogram: <L extends string>(config: Definition<HistogramConfiguration<L>>): Histogram<L> =>
    defined(config.name, Histogram, config.labelNames, () => new Histogram<L>({ ...config, registers: [processMetrics] })),
};

/** The Prometheus text exposition of everything the process measures. */
export const renderMetrics = async (): Promise<{ contentType: string; body: string }> => ({
  contentType: processMetrics.contentType,
  body: await processMetrics.metrics(),
});
