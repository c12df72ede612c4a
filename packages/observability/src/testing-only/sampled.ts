import type { MetricValueWithName } from 'prom-client';
import { processMetrics } from '../metrics/metrics';

/** The value of one sample of a metric in the process registry (`sample` names a histogram's `_count` or `_sum`), 0 when absent. */
export const sampled = async (metric: string, labels: Record<string, string>, sample = metric): Promise<number> => {
  const { values } = await processMetrics.getSingleMetric(metric)!.get();
  const found = (values as MetricValueWithName<string>[]).find(
    (value) => (value.metricName ?? metric) === sample && Object.entries(labels).every(([key, expected]) => value.labels[key] === expected),
  );
  return found?.value ?? 0;
};
