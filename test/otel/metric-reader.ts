/** Reads what process-sandbox/otel recorded through the real sdk-metrics, with its in-memory exporter. */
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type DataPoint, type Histogram, type MetricData } from '@opentelemetry/sdk-metrics';

export interface TestMeter {
  readonly provider: MeterProvider;
  /** Collects now: every metric by name, from this collection. */
  collect(): Promise<Map<string, MetricData>>;
  shutdown(): Promise<void>;
}

export function testMeter(): TestMeter {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  // Collected by forceFlush only: the interval is longer than any test.
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ readers: [reader] });
  return {
    provider,
    async collect() {
      exporter.reset();
      await reader.forceFlush();
      const byName = new Map<string, MetricData>();
      for (const resource of exporter.getMetrics()) {
        for (const scope of resource.scopeMetrics) for (const metric of scope.metrics) byName.set(metric.descriptor.name, metric);
      }
      return byName;
    },
    shutdown: () => provider.shutdown(),
  };
}

/** The data points of a metric whose attributes include `match`. */
export function points<T>(metric: MetricData | undefined, match: Record<string, unknown> = {}): DataPoint<T>[] {
  if (metric === undefined) return [];
  return (metric.dataPoints as DataPoint<T>[]).filter((p) => Object.entries(match).every(([k, v]) => p.attributes[k] === v));
}

/** The one value of a counter or gauge with these attributes (summed over the rest), or 0. */
export function value(metric: MetricData | undefined, match: Record<string, unknown> = {}): number {
  return points<number>(metric, match).reduce((sum, p) => sum + p.value, 0);
}

/** The histogram points with these attributes. */
export function histogram(metric: MetricData | undefined, match: Record<string, unknown> = {}): Histogram[] {
  return points<Histogram>(metric, match).map((p) => p.value);
}
