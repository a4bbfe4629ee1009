import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { Logger, ResourceReport, RuntimeStatus } from '../../../plugin.js';
import { fieldSeries, GPU_SERIES, itemSeries, MODEL_SERIES, REPORT_TIMESTAMP, type Series } from './report-series.js';

/** MetricsOptions configure a PrometheusMetrics. */
export interface MetricsOptions {
  readonly prefix: string;
  readonly processMetrics: boolean;
  readonly logger: Logger;
}

/** Origin says which part of the data a metric family was made for; one name belongs to one origin. */
type Origin = 'item' | 'field' | 'transport';

/** TAKEN_BY names, for a warning, what a family of each origin holds. */
const TAKEN_BY: Readonly<Record<Origin, string>> = {
  item: 'a per-GPU or per-model series (or the report timestamp)',
  field: 'a report field',
  transport: 'a transport status key',
};

/** metricKey turns a status key into the metric-name characters Prometheus allows. */
const metricKey = (key: string) => key.replace(/[^a-zA-Z0-9_]/g, '_');

/**
 * PrometheusMetrics owns one Registry (never prom-client's global one) and fills it, at each scrape, from the
 * latest report and the runtime's status. Every family is cleared before it is refilled, so a series that is
 * gone from the data (an unloaded model, a field now null) is gone from the page.
 */
export class PrometheusMetrics {
  readonly registry = new Registry();
  private readonly families = new Map<string, { gauge: Gauge; origin: Origin }>();
  private readonly refused = new Set<string>();
  private readonly duration: Gauge<'agent_id' | 'collector'>;
  private readonly success: Gauge<'agent_id' | 'collector'>;
  private readonly failures: Counter<'agent_id' | 'collector'>;
  private readonly runs: Counter<'agent_id' | 'collector'>;
  private readonly reports: Counter<'agent_id'>;
  private latest: ResourceReport | undefined;

  constructor(private readonly options: MetricsOptions) {
    const p = options.prefix;
    const registers = [this.registry];
    // Self-metrics carry agent_id as the report series do, so a fleet-wide query can join them.
    const byCollector = { labelNames: ['agent_id', 'collector'] as const, registers };
    this.duration = new Gauge({ name: `${p}collector_duration_seconds`, help: 'How long the last run of the collector took.', ...byCollector });
    this.success = new Gauge({ name: `${p}collector_success`, help: 'Whether the last run of the collector succeeded (1) or failed (0).', ...byCollector });
    this.failures = new Counter({ name: `${p}collector_failures_total`, help: 'Runs of the collector that failed.', ...byCollector });
    this.runs = new Counter({ name: `${p}collector_runs_total`, help: 'Runs of the collector.', ...byCollector });
    this.reports = new Counter({ name: `${p}reports_total`, help: 'Reports the sidecar produced since it started.', labelNames: ['agent_id'] as const, registers });
    for (const spec of GPU_SERIES) this.family(`${p}${spec.name}`, spec.help, ['agent_id', 'gpu', 'name'], 'item');
    for (const spec of MODEL_SERIES) this.family(`${p}${spec.name}`, spec.help, ['agent_id', 'model'], 'item');
    this.family(`${p}${REPORT_TIMESTAMP}`, 'When the latest report was collected, in seconds since the epoch.', ['agent_id'], 'item');
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** update keeps `report` as the one the next scrapes show. */
  update(report: ResourceReport): void {
    this.latest = report;
  }

  /** render refills every family from the latest report and `status`, and returns the exposition text. */
  render(status: RuntimeStatus): Promise<string> {
    for (const { gauge } of this.families.values()) gauge.reset();
    for (const metric of [this.duration, this.success, this.failures, this.runs, this.reports]) metric.reset();
    if (this.latest) {
      this.setAll(itemSeries(this.latest), [], 'item'); // families made in the constructor
      this.setAll(fieldSeries(this.latest), ['agent_id'], 'field');
    }
    const agent_id = status.agentId;
    this.reports.inc({ agent_id }, status.reports);
    for (const c of status.collectors) {
      const labels = { agent_id, collector: c.instanceId };
      if (c.lastDurationMs !== null) this.duration.set(labels, c.lastDurationMs / 1000);
      if (c.ok !== null) this.success.set(labels, c.ok ? 1 : 0);
      this.failures.inc(labels, c.failures);
      this.runs.inc(labels, c.runs);
    }
    for (const { instanceId, status: own } of status.transports) {
      for (const [key, value] of Object.entries(own ?? {})) {
        const n = typeof value === 'boolean' ? Number(value) : typeof value === 'number' && Number.isFinite(value) ? value : undefined;
        if (n === undefined) continue;
        const series = { name: `transport_${metricKey(key)}`, labels: { agent_id, transport: instanceId }, value: n };
        this.setAll([series], ['agent_id', 'transport'], 'transport');
      }
    }
    return this.registry.metrics();
  }

  /** contentType is the Content-Type of what render returns. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** setAll sets each sample on its family; families of report fields and status keys are made on first sight. */
  private setAll(series: readonly Series[], labelNames: string[], origin: Origin): void {
    for (const s of series) {
      const help = origin === 'field' ? `Report field ${s.name} of the latest report.` : `Status key ${s.name.slice('transport_'.length)} of each transport (1/0 for booleans).`;
      this.family(`${this.options.prefix}${s.name}`, help, labelNames, origin)?.set(s.labels, s.value);
    }
  }

  /** family returns the gauge `name` made for `origin`, creating it; a name taken otherwise is refused, logged once. */
  private family(name: string, help: string, labelNames: string[], origin: Origin): Gauge | undefined {
    const known = this.families.get(name);
    if (known?.origin === origin) return known.gauge;
    let problem = known ? `the name is already taken by ${TAKEN_BY[known.origin]}` : this.registry.getSingleMetric(name) ? 'the name is already in use' : undefined;
    if (!problem) {
      try {
        const gauge = new Gauge({ name, help, labelNames, registers: [this.registry] });
        this.families.set(name, { gauge, origin });
        return gauge;
      } catch (err) {
        problem = err instanceof Error ? err.message : String(err);
      }
    }
    if (!this.refused.has(name)) {
      this.refused.add(name);
      this.options.logger.warn({ metric: name, source: origin, reason: problem }, `Metric ${name} is not exposed: ${problem}`);
    }
    return undefined;
  }
}
