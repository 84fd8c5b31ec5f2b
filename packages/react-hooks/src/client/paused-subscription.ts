import type { PausedInitialData, PausedWorkflow } from '@resumable/protocol';
import { ClientError } from './errors';
import { PAUSED_INITIAL, WORKFLOW_PAUSED, isPauseDelta } from './events';
import { openEventStream, type ConnectionStatus, type EventStream, type StreamOptions } from './event-stream';
import { liveContext, parseEventData, requestJson } from './http';
import { apiBase, sharedRegistry, statusPatch } from './shared-stream';
import { Subscribable } from './subscribable';
import { createTokenSource, type RefreshToken } from './token';

/**
 * Options of the paused-workflows subscription and its actions.
 *
 * @example
 * const options: PausedWorkflowsOptions = { apiBaseUrl: '/api', refreshToken, pauseWhenHidden: true };
 * const paused = getPausedWorkflowsSubscription(options);
 */
export interface PausedWorkflowsOptions extends StreamOptions {
  /** Where the Resumable endpoints are mounted. Default `/api`. */
  apiBaseUrl?: string;
  /** Returns a fresh token; omit only when the server runs without auth. */
  refreshToken?: RefreshToken;
}

/**
 * The live list of paused executions.
 *
 * @example
 * const paused = getPausedWorkflowsSubscription({ refreshToken });
 * const state: PausedWorkflowsState = paused.getState();
 * if (state.isLoaded) console.log(state.pausedWorkflows.length, 'paused');
 */
export interface PausedWorkflowsState<TVariables = Record<string, unknown>> {
  /** Every paused execution, as of the latest snapshot and deltas. */
  pausedWorkflows: PausedWorkflow<TVariables>[];
  /** Where the connection stands. */
  status: ConnectionStatus;
  /** True while the stream is open. */
  isConnected: boolean;
  /** True once a snapshot (`paused.initial`) has arrived. */
  isLoaded: boolean;
  /** The latest error; connection errors clear once connected again. */
  error?: ClientError | undefined;
}

/**
 * The state before the first snapshot.
 *
 * @example
 * const [state, setState] = useState<PausedWorkflowsState>(INITIAL_PAUSED_STATE);
 */
export const INITIAL_PAUSED_STATE: PausedWorkflowsState<never> = {
  pausedWorkflows: [],
  status: 'idle',
  isConnected: false,
  isLoaded: false,
};

/**
 * The paused-workflows list, shared by every subscriber of one `apiBaseUrl`:
 * `paused.initial` sets it, later deltas (with a larger id than the snapshot) change
 * it; a reconnect starts from a fresh snapshot. Get it with `getPausedWorkflowsSubscription`.
 *
 * ```
 *   subscribe ─► stream opens ─► paused.initial (cursor = id) ─► deltas with id > cursor applied
 *   reconnect ─► a fresh paused.initial replaces the list       last unsubscribe ─► stream stops
 * ```
 *
 * @example
 * const paused = getPausedWorkflowsSubscription({ refreshToken });
 * paused.subscribe(() => console.log(paused.getState().pausedWorkflows));
 */
export class PausedWorkflowsSubscription extends Subscribable<PausedWorkflowsState> {
  #cursor = -1;
  #stream: EventStream | undefined;
  readonly #context: ReturnType<typeof liveContext>;
  readonly #release: () => void;

  /** @internal Created by `getPausedWorkflowsSubscription`; `release` forgets it in the registry. */
  constructor(
    /** The newest options; callbacks are read from here at use. */
    public options: PausedWorkflowsOptions,
    release: () => void,
  ) {
    super(INITIAL_PAUSED_STATE);
    this.#release = release;
    this.#context = liveContext(() => this.options);
  }

  protected onSubscribe(): void {
    this.#stream = openEventStream({
      ...this.options,
      ...this.#context(),
      url: `${apiBase(this.options)}/workflow/paused-stream`,
      onStatus: (status, error) => this.setState(statusPatch(status, error)),
      onEvent: (event) => this.#receive(event),
    });
  }

  protected onUnsubscribe(): void {
    this.#stream?.stop();
    this.#stream = undefined;
    this.#release();
  }

  #receive({
    event = 'message',
    data: text,
    id,
  }: {
    event?: string | undefined;
    data: string;
    id?: string | undefined;
  }): void {
    try {
      const data = parseEventData<PausedInitialData & PausedWorkflow>({ event, data: text });
      if (event === PAUSED_INITIAL) {
        this.#cursor = Number(id);
        this.setState({ pausedWorkflows: data.pausedWorkflows, isLoaded: true });
      } else if (Number(id) > this.#cursor && isPauseDelta(event)) {
        // Only deltas newer than the snapshot: it already holds everything up to its id.
        this.#cursor = Number(id);
        const others = this.getState().pausedWorkflows.filter((w) => w.executionId !== data.executionId);
        // paused adds (or replaces); resumed, cancelled and timeout remove.
        this.setState({ pausedWorkflows: event === WORKFLOW_PAUSED ? [...others, data] : others });
      }
    } catch (error) {
      this.setState({ error: ClientError.from(error) });
    }
  }
}

const executionAction = (options: PausedWorkflowsOptions, executionId: string, verb: string, body: object) =>
  requestJson<unknown>(`${apiBase(options)}/workflow/executions/${encodeURIComponent(executionId)}/${verb}`, body, {
    fetch: options.fetch,
    tokens: options.refreshToken && createTokenSource(options.refreshToken),
  });

/**
 * Resumes a paused execution: `POST {apiBaseUrl}/workflow/executions/:id/resume`
 * with `{ payload }`. The paused list changes when the server's `workflow.resumed`
 * arrives. Rejects with a `ClientError` (e.g. `NOT_PAUSED`, `FORBIDDEN`).
 *
 * @example
 * await resumeExecution({ apiBaseUrl: '/api', refreshToken }, 'order-42', { approved: true });
 */
export function resumeExecution(
  options: PausedWorkflowsOptions,
  executionId: string,
  payload?: unknown,
): Promise<unknown> {
  return executionAction(options, executionId, 'resume', { payload });
}

/**
 * Cancels a paused execution: `POST {apiBaseUrl}/workflow/executions/:id/cancel`
 * with `{ reason }`.
 *
 * @example
 * await cancelExecution({ refreshToken }, 'order-42', 'customer withdrew');
 */
export function cancelExecution(
  options: PausedWorkflowsOptions,
  executionId: string,
  reason?: string,
): Promise<unknown> {
  return executionAction(options, executionId, 'cancel', { reason });
}

/** One shared paused-workflows subscription per `apiBaseUrl`. */
const pausedRegistry = /* @__PURE__ */ sharedRegistry(
  apiBase,
  (options: PausedWorkflowsOptions, release) => new PausedWorkflowsSubscription(options, release),
);

/**
 * The shared paused-workflows subscription of an `apiBaseUrl` (one connection for
 * every caller). Passing options again replaces its callbacks with the newest.
 *
 * @example
 * const paused = getPausedWorkflowsSubscription({ apiBaseUrl: '/api', refreshToken });
 * const stop = paused.subscribe(() => draw(paused.getState().pausedWorkflows));
 */
export function getPausedWorkflowsSubscription(options: PausedWorkflowsOptions = {}): PausedWorkflowsSubscription {
  return pausedRegistry.get(options);
}

/**
 * The shared subscription if one exists; never creates one (safe during render).
 *
 * @example
 * const state = peekPausedWorkflowsSubscription({})?.getState();
 */
export function peekPausedWorkflowsSubscription(
  options: PausedWorkflowsOptions = {},
): PausedWorkflowsSubscription | undefined {
  return pausedRegistry.peek(options);
}
