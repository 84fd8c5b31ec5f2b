import { readFileSync } from 'node:fs';
import {
  MAX_UPDATES_PAGE,
  QUERY_NAMES,
  SIGNAL_NAMES,
  type CancelSignalArgs,
  type PausedWorkflow,
  type ResumeSignalArgs,
  type TriggerSignalArgs,
  type UpdatesPage,
  type WorkflowState,
} from '@resumable/protocol';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { fromTemporalError } from './errors';

/** How to reach Temporal. Every field falls back to the usual environment variables. */
export interface TemporalOptions {
  /** A ready client; the other fields are then ignored. */
  client?: Client;
  /** `TEMPORAL_ADDRESS`, default `localhost:7233`. */
  address?: string;
  /** `TEMPORAL_NAMESPACE`, default `default`. */
  namespace?: string;
  /** mTLS: `TEMPORAL_TLS_CERT_PATH` and `TEMPORAL_TLS_KEY_PATH` (and optional `TEMPORAL_TLS_CA_PATH`). */
  tls?: ConnectionOptions['tls'];
  /** Temporal Cloud API key: `TEMPORAL_API_KEY`. */
  apiKey?: string;
}

/** Where a workflow is in its life, as far as streaming cares. */
export interface ExecutionInfo {
  running: boolean;
  /** Temporal's execution status, e.g. `RUNNING`, `COMPLETED`, `FAILED`. */
  executionStatus: string;
}

/**
 * Everything the server asks Temporal, in one place: the queries and signals of
 * `@resumable/workflow-state`, with errors mapped to wire errors.
 */
export class TemporalGateway {
  private clientPromise: Promise<Client> | undefined;
  private ownsConnection = false;

  constructor(private readonly options: TemporalOptions = {}) {}

  /** The Temporal client; connects lazily, and reconnects on its own after outages. */
  async client(): Promise<Client> {
    this.clientPromise ??= this.createClient();
    return this.clientPromise;
  }

  private async createClient(): Promise<Client> {
    if (this.options.client) return this.options.client;
    const env = process.env;
    const certPath = env.TEMPORAL_TLS_CERT_PATH;
    const keyPath = env.TEMPORAL_TLS_KEY_PATH;
    const tls =
      this.options.tls ??
      (certPath && keyPath
        ? {
            clientCertPair: { crt: readFileSync(certPath), key: readFileSync(keyPath) },
            ...(env.TEMPORAL_TLS_CA_PATH ? { serverRootCACertificate: readFileSync(env.TEMPORAL_TLS_CA_PATH) } : {}),
          }
        : undefined);
    const apiKey = this.options.apiKey ?? env.TEMPORAL_API_KEY;
    // lazy(): no failure at start-up while Temporal is down; calls fail with
    // UNAVAILABLE (→ 503) and succeed again once it is back.
    const connection = Connection.lazy({
      address: this.options.address ?? env.TEMPORAL_ADDRESS ?? 'localhost:7233',
      ...(tls ? { tls } : {}),
      ...(apiKey ? { apiKey } : {}),
    });
    this.ownsConnection = true;
    return new Client({ connection, namespace: this.options.namespace ?? env.TEMPORAL_NAMESPACE ?? 'default' });
  }

  private async call<T>(id: string, fn: (client: Client) => Promise<T>): Promise<T> {
    try {
      return await fn(await this.client());
    } catch (error) {
      throw fromTemporalError(error, id);
    }
  }

  /** `getUpdatesSince(since, limit)` on the latest run of `taskId`. */
  readUpdates(taskId: string, since: number, limit = MAX_UPDATES_PAGE): Promise<UpdatesPage> {
    return this.call(taskId, (client) =>
      client.workflow.getHandle(taskId).query<UpdatesPage, [number, number]>(QUERY_NAMES.updatesSince, since, limit),
    );
  }

  /** `getWorkflowState()` on the latest run of `taskId`. */
  readState(taskId: string): Promise<WorkflowState> {
    return this.call(taskId, (client) => client.workflow.getHandle(taskId).query<WorkflowState>(QUERY_NAMES.state));
  }

  /** The current pause of an execution, or null. */
  readPause(executionId: string): Promise<PausedWorkflow | null> {
    return this.call(executionId, (client) =>
      client.workflow.getHandle(executionId).query<PausedWorkflow | null>(QUERY_NAMES.pause),
    );
  }

  /** Whether the latest run of `taskId` is still running. */
  describe(taskId: string): Promise<ExecutionInfo> {
    return this.call(taskId, async (client) => {
      const description = await client.workflow.getHandle(taskId).describe();
      const executionStatus = description.status.name;
      return { running: executionStatus === 'RUNNING', executionStatus };
    });
  }

  resume(executionId: string, args: ResumeSignalArgs): Promise<void> {
    return this.call(executionId, (client) => client.workflow.getHandle(executionId).signal(SIGNAL_NAMES.resume, args));
  }

  cancel(executionId: string, args: CancelSignalArgs): Promise<void> {
    return this.call(executionId, (client) => client.workflow.getHandle(executionId).signal(SIGNAL_NAMES.cancel, args));
  }

  trigger(executionId: string, args: TriggerSignalArgs): Promise<void> {
    return this.call(executionId, (client) => client.workflow.getHandle(executionId).signal(SIGNAL_NAMES.trigger, args));
  }

  /** Closes the connection if this gateway opened it. */
  async close(): Promise<void> {
    if (!this.ownsConnection || !this.clientPromise) return;
    const client = await this.clientPromise;
    await client.connection.close();
  }
}
