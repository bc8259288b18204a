/**
 * `/metrics` without a second HTTP server: the Prometheus exporter is used as a pull reader
 * (`preventServerStart`), and each scrape collects and serializes the metrics of that moment.
 */
import { PrometheusExporter, PrometheusSerializer } from "@opentelemetry/exporter-prometheus";
import type { MetricProducer } from "@opentelemetry/sdk-metrics";

export interface PrometheusScrape {
  /** Register with the MeterProvider before the first scrape. */
  readonly reader: PrometheusExporter;
  scrape(): Promise<string>;
}

/** `metricProducers`: metrics kept outside the SDK's instruments (server-durations.ts). */
export function createPrometheusScrape(metricProducers: MetricProducer[] = []): PrometheusScrape {
  const reader = new PrometheusExporter({ preventServerStart: true, metricProducers });
  const serializer = new PrometheusSerializer();
  return {
    reader,
    async scrape() {
      const { resourceMetrics } = await reader.collect();
      return serializer.serialize(resourceMetrics);
    },
  };
}
