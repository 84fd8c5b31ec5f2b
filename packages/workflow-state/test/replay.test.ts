import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { WorkflowHandle, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { Workflow } from '@temporalio/workflow';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { pauseStateQuery, resumeSignal, cancelSignal } from '../src/index';
import { createResumableSinks } from '../src/worker/index';
import { useWorkflowHarness } from './harness';
import { RecordingBus } from './recording-bus';
import { compacting, continuing, emitMany, pausing } from './workflows';

const FIXTURES = join(import.meta.dirname, 'fixtures');
// Set RESUMABLE_RECORD_FIXTURES=1 to refresh the committed histories from this run.
const RECORD = process.env.RESUMABLE_RECORD_FIXTURES === '1';

/** Replays one history with the real sink wired to a bus that must stay empty. */
async function replay(history: unknown, workflowId: string): Promise<RecordingBus> {
  const bus = new RecordingBus();
  await Worker.runReplayHistory(
    {
      workflowBundle: { codePath: inject('workflowBundles')['workflow-state']! },
      sinks: createResumableSinks({ bus }),
    },
    history,
    workflowId,
  );
  return bus;
}

describe('replay of histories recorded from the real server', () => {
  const harness = useWorkflowHarness();
  const liveBus = harness.bus;
  /** Fixture name → { workflowId, history JSON } recorded in this run. */
  const recorded = new Map<string, { workflowId: string; json: string }>();

  async function record(name: string, handle: WorkflowHandle, runId?: string): Promise<void> {
    const history = await harness.client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
    recorded.set(name, { workflowId: handle.workflowId, json: historyToJSON(history) });
  }

  beforeAll(async () => {
    const { client, worker } = harness;
    const start = <T extends Workflow>(workflow: T, id: string, args: Parameters<T>) =>
      client.workflow.start(workflow as Workflow, {
        taskQueue: worker.taskQueue,
        workflowId: `replay-${id}-${Date.now()}`,
        args,
      }) as Promise<WorkflowHandleWithFirstExecutionRunId<T>>;
    const waitPaused = (handle: WorkflowHandle) =>
      vi.waitFor(async () => expect(await handle.query(pauseStateQuery)).not.toBeNull(), {
        timeout: 20_000,
        interval: 100,
      });

    const many = await start(emitMany, 'emit-many', [{ count: 30, batch: 10 }]);
    const resumed = await start(pausing, 'pause-resumed', [
      { name: 'approve', waitingFor: ['approved'], variables: { n: 1 } },
    ]);
    const cancelled = await start(pausing, 'pause-cancelled', [{ name: 'approve' }]);
    const timedOut = await start(pausing, 'pause-timeout', [{ name: 'approve', timeout: 1000, onTimeout: 'remind' }]);
    const chain = await start(continuing, 'continuing', [{ perRun: 5, runs: 3 }]);
    const compacted = await start(compacting, 'compacting', [{ count: 60, keep: 20 }]);

    await waitPaused(resumed);
    await resumed.signal(resumeSignal, { payload: { ok: true } });
    await waitPaused(cancelled);
    await cancelled.signal(cancelSignal, { reason: 'no longer needed' });
    await Promise.all([many, resumed, cancelled, timedOut, chain, compacted].map((handle) => handle.result()));

    await record('emit-many', many);
    await record('pause-resumed', resumed);
    await record('pause-cancelled', cancelled);
    await record('pause-timeout', timedOut);
    await record('compacting', compacted);
    // Each run of a continue-as-new chain has its own history.
    const runs: string[] = [];
    for (let runId: string | undefined = chain.firstExecutionRunId; runId;) {
      runs.push(runId);
      const description = await client.workflow.getHandle(chain.workflowId, runId).describe();
      const next: string | null | undefined = (
        await client.workflow.getHandle(chain.workflowId, runId).fetchHistory()
      ).events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
      expect(description.runId).toBe(runId);
      runId = next ?? undefined;
    }
    expect(runs).toHaveLength(3);
    for (const [index, runId] of runs.entries()) await record(`continuing-run-${index + 1}`, chain, runId);

    for (const [name, { workflowId, json }] of recorded) {
      const file = join(FIXTURES, `${name}.json`);
      if (RECORD || !existsSync(file))
        writeFileSync(file, `${JSON.stringify({ workflowId, history: JSON.parse(json) }, null, 1)}\n`);
    }
  });
  it('the live run pushed updates through the sink (so replay had something to suppress)', () => {
    for (const { workflowId } of recorded.values()) {
      expect(liveBus.sequencesOf(workflowId).length, workflowId).toBeGreaterThan(0);
    }
  });

  it('replays this run’s histories deterministically, with no sink calls', async () => {
    expect(recorded.size).toBe(8);
    for (const [name, { workflowId, json }] of recorded) {
      const bus = await replay(JSON.parse(json), workflowId);
      expect(bus.messages, name).toEqual([]);
    }
  });

  it('replays the committed fixtures deterministically, with no sink calls', async () => {
    const files = readdirSync(FIXTURES).filter((file) => file.endsWith('.json'));
    expect(files.sort()).toEqual([...recorded.keys()].map((name) => `${name}.json`).sort());
    for (const file of files) {
      const { workflowId, history } = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as {
        workflowId: string;
        history: unknown;
      };
      const bus = await replay(history, workflowId);
      expect(bus.messages, file).toEqual([]);
    }
  });
});
