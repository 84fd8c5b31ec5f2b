import { log as workflowLog } from '@temporalio/workflow';

/** Batch keys remembered (newest last): a redelivery comes within minutes, not hundreds of batches later. */
export const MAX_PUBLISH_KEYS = 128;

/**
 * Appends the batches of the `resumable.publish` signal: each update through the log's
 * own `emit` (so reserved types and bad data are refused as for the workflow's own code),
 * a batch with a key seen before ignored. Signals cannot answer, so a refused update is
 * logged and skipped; the rest of its batch still lands.
 */
export class PublishedBatches {
  private readonly keys: string[];

  constructor(
    private readonly emit: (type: string, data: unknown) => void,
    carried: readonly string[] | undefined,
  ) {
    this.keys = (Array.isArray(carried) ? carried.filter((key) => typeof key === 'string') : []).slice(
      -MAX_PUBLISH_KEYS,
    );
  }

  /** The keys to carry through continue-as-new. */
  get carriedKeys(): readonly string[] {
    return this.keys;
  }

  take(batch: unknown): void {
    if (typeof batch !== 'object' || batch === null || !Array.isArray((batch as { updates?: unknown }).updates)) {
      workflowLog.warn('Resumable ignored resumable.publish: its argument must be { key?, updates: [{ type, data }] }');
      return;
    }
    const { key, updates } = batch as { key?: unknown; updates: unknown[] };
    if (key !== undefined) {
      if (typeof key !== 'string' || key.length === 0 || key.length > 128) {
        workflowLog.warn('Resumable ignored resumable.publish: key must be a string of 1 to 128 characters');
        return;
      }
      if (this.keys.includes(key)) {
        workflowLog.warn(`Resumable ignored resumable.publish: the batch "${key}" was appended already`);
        return;
      }
      this.keys.push(key);
      if (this.keys.length > MAX_PUBLISH_KEYS) this.keys.shift();
    }
    for (const update of updates) {
      const { type, data } = (update ?? {}) as { type?: unknown; data?: unknown };
      try {
        this.emit(type as string, data);
      } catch (error) {
        workflowLog.warn(
          `Resumable skipped a published update: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  }
}
