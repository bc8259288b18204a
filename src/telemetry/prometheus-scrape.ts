/**
 * `/metrics` without a second HTTP server: the Prometheus exporter is used as a pull reader
 * (`preventServerStart`), and each scrape collects and serializes the metrics of that moment.
 */
import { PrometheusExporter, PrometheusSerializer } from "@opentelemetry/exporter-prometheus";

export interface PrometheusScrape {
  /** Register with the MeterProvider before the first scrape. */
  readonly reader: PrometheusExporter;
  scrape(): Promise<string>;
}

export function createPrometheusScrape(): PrometheusScrape {
  const reader = new PrometheusExporter({ preventServerStart: true });
  const serializer = new PrometheusSerializer();
  return {
    reader,
    async scrape() {
      const { resourceMetrics } = await reader.collect();
      return serializer.serialize(resourceMetrics);
    },
  };
}
