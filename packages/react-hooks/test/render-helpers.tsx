import { ResumableError } from '@resumable/protocol';
import { cleanup } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, beforeEach } from 'vitest';
import {
  usePausedWorkflows,
  useTemporalSubscription,
  type UsePausedWorkflowsOptions,
  type UseTemporalSubscriptionOptions,
} from '../src/index';
import { startContractServer, type ContractServer } from './contract-server';

/** Fast retries so reconnect tests stay quick. */
export const FAST_BACKOFF = { initialDelayMs: 10, maxDelayMs: 40 };

/** A component that renders a task's updates as a list, the way an app would. */
export function TaskUpdates(props: Partial<UseTemporalSubscriptionOptions> & { label?: string }) {
  const { label = 'task', ...options } = props;
  const state = useTemporalSubscription({
    taskId: 'task',
    refreshToken: () => 'token',
    backoff: FAST_BACKOFF,
    recoveryIntervalMs: 0,
    ...options,
  });
  return (
    <section aria-label={label}>
      <output data-testid={`${label}-status`}>{state.status}</output>
      <output data-testid={`${label}-recovering`}>{String(state.isRecovering)}</output>
      <output data-testid={`${label}-progress`}>
        {state.recoveryProgress ? `${state.recoveryProgress.recovered}/${state.recoveryProgress.total}` : ''}
      </output>
      <output data-testid={`${label}-error`}>{state.error?.code ?? ''}</output>
      <output data-testid={`${label}-connection`}>{state.connectionId ?? ''}</output>
      <output data-testid={`${label}-workflow`}>{state.workflowStatus ?? ''}</output>
      <output data-testid={`${label}-latest`}>
        {state.latestData === undefined ? '' : JSON.stringify(state.latestData)}
      </output>
      <output data-testid={`${label}-timestamp`}>{state.lastTimestamp ?? ''}</output>
      <button type="button" onClick={() => void state.recoverMissedUpdates()}>
        recover {label}
      </button>
      <ol data-testid={`${label}-list`}>
        {state.updates.map((update) => (
          <li key={update.sequence}>{update.sequence}</li>
        ))}
      </ol>
    </section>
  );
}

/**
 * A component that lists paused workflows with resume and cancel buttons, the way an
 * approvals screen would; a failed action shows its error code. `extra` adds a
 * "resume {extra} again" button for an execution that may no longer be listed.
 */
export function PausedApprovals(props: UsePausedWorkflowsOptions & { label?: string; extra?: string }) {
  const { label = 'list', extra, ...options } = props;
  const { pausedWorkflows, isConnected, resume, cancel } = usePausedWorkflows({ backoff: FAST_BACKOFF, ...options });
  const [failure, setFailure] = useState('');
  const act = (work: Promise<unknown>) =>
    work.catch((error: unknown) => setFailure(ResumableError.is(error) ? error.code : 'other'));
  return (
    <section>
      <output data-testid={`${label}-connected`}>{String(isConnected)}</output>
      <output data-testid={`${label}-failure`}>{failure}</output>
      <ul data-testid={label}>
        {pausedWorkflows.map((w) => (
          <li key={w.executionId} data-paused-at={w.pausedAt}>
            {w.executionId}
            <button type="button" onClick={() => act(resume(w.executionId, { approved: true }))}>
              resume {w.executionId}
            </button>
            <button type="button" onClick={() => act(cancel(w.executionId, 'withdrawn'))}>
              cancel {w.executionId}
            </button>
          </li>
        ))}
      </ul>
      {extra && (
        <button type="button" onClick={() => act(resume(extra))}>
          resume {extra} again
        </button>
      )}
    </section>
  );
}

/** The execution ids a rendered `PausedApprovals` lists, in list order. */
export function pausedShown(label = 'list'): string[] {
  const list = document.querySelector(`[data-testid="${label}"]`);
  return [...(list?.querySelectorAll('li') ?? [])].map((li) => li.firstChild?.textContent ?? '');
}

/**
 * Registers beforeEach/afterEach in the calling file: a fresh stand-in contract
 * server per test; after each test, what it rendered is unmounted, then the server
 * closes. Read `server` inside tests, not at module level.
 */
export function setupContractServer(): { readonly server: ContractServer } {
  const holder = {} as { server: ContractServer };
  beforeEach(async () => {
    holder.server = await startContractServer();
  });
  afterEach(async () => {
    cleanup();
    await holder.server.close();
  });
  return holder;
}

/** The sequences a rendered list shows. */
export function renderedSequences(label = 'task'): number[] {
  const list = document.querySelector(`[data-testid="${label}-list"]`);
  return [...(list?.querySelectorAll('li') ?? [])].map((item) => Number(item.textContent));
}

/** What a list showed at one DOM change, with the recovery indicator beside it. */
export interface Frame {
  sequences: number[];
  recovering: boolean;
  progress: string;
}

/**
 * Records what a rendered `TaskUpdates` shows at every DOM change (as a user would
 * see it, commit by commit) until the returned `stop` is called.
 */
export function recordFrames(label = 'task'): { frames: Frame[]; stop(): void } {
  const frames: Frame[] = [];
  const text = (suffix: string) => document.querySelector(`[data-testid="${label}-${suffix}"]`)?.textContent ?? '';
  const observer = new MutationObserver(() =>
    frames.push({
      sequences: renderedSequences(label),
      recovering: text('recovering') === 'true',
      progress: text('progress'),
    }),
  );
  observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  return { frames, stop: () => observer.disconnect() };
}

/** 1..n. */
export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
