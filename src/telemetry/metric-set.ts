import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { METRICS, type MetricKey } from './metric-catalog.js';

type Instrument<K extends MetricKey> = (typeof METRICS)[K]['kind'] extends 'counter'
  ? Counter
  : (typeof METRICS)[K]['kind'] extends 'histogram'
    ? Histogram
    : Gauge;

/** The catalog's metrics named by `keys`, registered in `registry`. */
export function createMetricSet<K extends MetricKey>(registry: Registry, keys: readonly K[]): { [P in K]: Instrument<P> } {
  const set = {} as Record<K, Counter | Gauge | Histogram>;
  for (const key of keys) {
    const d = METRICS[key] as (typeof METRICS)[MetricKey] & { buckets?: readonly number[] };
    const common = { name: d.name, help: d.help, labelNames: [...d.labels], registers: [registry] };
    set[key] =
      d.kind === 'counter'
        ? new Counter(common)
        : d.kind === 'histogram'
          ? new Histogram({ ...common, buckets: [...(d.buckets ?? [])] })
          : new Gauge(common);
  }
  return set as { [P in K]: Instrument<P> };
}
