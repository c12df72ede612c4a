import { metrics, processMetrics, renderMetrics } from './metrics';

describe('the process metrics registry', () => {
  it('gives back the metric already defined under a name, so a module registered twice shares it', async () => {
    const first = metrics.counter({ name: 'test_defined_twice_total', help: 'A test counter.', labelNames: ['kind'] });
    const second = metrics.counter({ name: 'test_defined_twice_total', help: 'A test counter.', labelNames: ['kind'] });
    expect(second).toBe(first);
    first.inc({ kind: 'a' });
    second.inc({ kind: 'a' }, 2);
    expect(processMetrics.getSingleMetric('test_defined_twice_total')).toBe(first);
    expect(await first.get()).toMatchObject({ values: [{ labels: { kind: 'a' }, value: 3 }] });
  });

  it('refuses a name already defined with another type or other labels', () => {
    metrics.gauge({ name: 'test_taken', help: 'A test gauge.', labelNames: ['a'] });
    expect(() => metrics.counter({ name: 'test_taken', help: 'A test counter.', labelNames: ['a'] })).toThrow('test_taken');
    expect(() => metrics.gauge({ name: 'test_taken', help: 'A test gauge.', labelNames: ['b'] })).toThrow('test_taken');
  });

  it("renders Prometheus' text format", async () => {
    metrics.histogram({ name: 'test_rendered_seconds', help: 'A test histogram.', buckets: [1] }).observe(0.5);
    const { contentType, body } = await renderMetrics();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(body).toContain('# TYPE test_rendered_seconds histogram\ntest_rendered_seconds_bucket{le="1"} 1\n');
  });
});
