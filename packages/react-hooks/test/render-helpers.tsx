import { useTemporalSubscription, type UseTemporalSubscriptionOptions } from '../src/index';

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
    frames.push({ sequences: renderedSequences(label), recovering: text('recovering') === 'true', progress: text('progress') }),
  );
  observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  return { frames, stop: () => observer.disconnect() };
}

/** 1..n. */
export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
