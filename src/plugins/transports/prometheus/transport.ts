import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeError } from '../../../core/errors.js';
import type { ResourceReport, Transport, TransportContext, TransportStatus } from '../../../plugin.js';
import type { PrometheusOptions } from './config.js';
import { PrometheusMetrics } from './metrics.js';

/** LISTEN_ERRORS turns the usual bind failures into plain words. */
const LISTEN_ERRORS: Readonly<Record<string, string>> = {
  EADDRINUSE: 'the port is already in use',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'the address is not one of this host’s',
  ENOTFOUND: 'the host name does not resolve',
};

/** hostPort writes an address for messages, with IPv6 literals in brackets. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * PrometheusTransport serves the latest report and the sidecar's own health as a Prometheus metrics page.
 * It pushes nothing: `send` only keeps the report, and each scrape of `path` renders the page afresh.
 */
export class PrometheusTransport implements Transport {
  private readonly server: Server;
  private readonly metrics: PrometheusMetrics;
  private scrapes = 0;
  private lastError: string | null = null;

  constructor(private readonly ctx: TransportContext<PrometheusOptions>) {
    this.metrics = new PrometheusMetrics({
      prefix: ctx.options.prefix,
      processMetrics: ctx.options.process_metrics,
      logger: ctx.logger,
    });
    this.server = createServer((req, res) => this.handle(req, res));
  }

  /** start listens on host:port; a bind failure rejects with one line naming the address. */
  async start(): Promise<void> {
    const { host, port, path } = this.ctx.options;
    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        const reason = (err.code && LISTEN_ERRORS[err.code]) ?? describeError(err);
        reject(new Error(`cannot listen on ${hostPort(host, port)}: ${reason}${err.code ? ` (${err.code})` : ''}`, { cause: err }));
      };
      this.server.once('error', onError);
      this.server.listen({ host, port }, () => {
        this.server.off('error', onError);
        resolve();
      });
    });
    this.server.on('error', (err) => this.failed(err));
    this.ctx.logger.info({ url: `http://${hostPort(host, this.port ?? port)}${path}` }, 'Serving metrics');
  }

  /** send keeps the report for the next scrapes. */
  send(report: ResourceReport): void {
    this.metrics.update(report);
  }

  /** stop closes the server and every open connection, without waiting for idle keep-alive sockets. */
  stop(): Promise<void> {
    return this.close();
  }

  /** status counts served scrapes and gives the bound port (useful with `port: 0`). */
  status(): TransportStatus {
    return { scrapes: this.scrapes, listening: this.server.listening, port: this.port, last_error: this.lastError };
  }

  dispose(): Promise<void> {
    return this.close();
  }

  /** port is the port actually bound, or null when not listening. */
  get port(): number | null {
    const address = this.server.address();
    return address && typeof address === 'object' ? (address as AddressInfo).port : null;
  }

  private close(): Promise<void> {
    if (!this.server.listening) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const pathname = (req.url ?? '').split('?')[0];
    if (pathname !== this.ctx.options.path) {
      reply(res, 404, `Not found. Metrics are at ${this.ctx.options.path}\n`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      reply(res, 405, 'Method not allowed. Use GET.\n');
      return;
    }
    Promise.resolve()
      .then(() => this.metrics.render(this.ctx.runtimeStatus()))
      .then(
        (body) => {
          if (req.method === 'GET') this.scrapes += 1;
          this.lastError = null;
          res.writeHead(200, { 'Content-Type': this.metrics.contentType }).end(body);
        },
        (err: unknown) => {
          this.failed(err);
          reply(res, 500, 'Metrics could not be rendered; see the sidecar log.\n');
        },
      );
  }

  /** failed records an error and logs it when it differs from the last one. */
  private failed(err: unknown): void {
    const reason = describeError(err);
    if (reason !== this.lastError) this.ctx.logger.warn({ reason }, `Metrics page failed: ${reason}`);
    this.lastError = reason;
  }
}

function reply(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(text);
}
