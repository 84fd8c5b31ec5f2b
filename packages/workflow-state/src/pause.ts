import {
  ResumableError,
  SIGNAL_NAMES,
  isActionKey,
  type ActionKey,
  type CancelSignalArgs,
  type PauseDeltaName,
  type PausedWorkflow,
  type ResumeSignalArgs,
  type TriggerSignalArgs,
} from '@resumable/protocol';
import { condition, log, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { cancelSignal, resumeSignal, triggerSignal } from './definitions';
import { parseDuration } from './duration';
import { oversizedPauseAttribute, pausedAttributes, resumedAttributes } from './search-attributes';
import type { PauseOptions, PauseOutcome, PauseUpdates } from './types';

type Decision = { type: 'resumed'; payload: unknown; resumedBy: string } | { type: 'cancelled'; reason: string };

/**
 * Action keys remembered, newest last. Bounded so history and the carried log stay
 * small: a client replays within minutes, not after hundreds of later actions.
 */
export const MAX_ACTION_KEYS = 128;

/** Writes one pause event into the log and out to the sink. */
export type PauseEmitter = <E extends PauseDeltaName>(event: E, data: PauseUpdates[E]) => void;

export interface PauseGateOptions {
  emit: PauseEmitter;
  searchAttributes: boolean;
  workflowName: string | undefined;
  /** Keys applied by the runs this one continues (from the carried log). */
  actionKeys?: readonly string[] | undefined;
}

/**
 * One pause at a time: the signals that end it, its search attributes, and the
 * exactly-once pause events in the log.
 */
export class PauseGate {
  private current: PausedWorkflow | null = null;
  private decision: Decision | undefined;
  private readonly keys: string[];

  constructor(private readonly options: PauseGateOptions) {
    const carried = options.actionKeys;
    this.keys = (Array.isArray(carried) ? carried : []).filter(isActionKey).slice(-MAX_ACTION_KEYS);
    setHandler(resumeSignal, (args) => this.onResume(args));
    setHandler(cancelSignal, (args) => this.onCancel(args));
    setHandler(triggerSignal, (args) => this.onTrigger(args));
  }

  /** The action keys applied so far (this run and the runs it continues), oldest first. */
  get actionKeys(): readonly string[] {
    return this.keys;
  }

  /** Whether an action with `key` was applied (the `isActionApplied` query). */
  applied(key: unknown): boolean {
    return typeof key === 'string' && this.keys.includes(key);
  }

  /** The pause the workflow waits at, as `getPauseState` answers it. */
  get pause(): PausedWorkflow | null {
    return this.current;
  }

  async wait<TVariables, TPayload, TPath extends string>(
    options: PauseOptions<TVariables, TPath>,
  ): Promise<PauseOutcome<TPayload, TPath>> {
    if (this.current) {
      throw new ResumableError(
        'CONFLICT',
        `Cannot pause at "${String(options?.name)}": the workflow already waits at "${this.current.pausedAt}"`,
      );
    }
    const pause = this.describe(options);
    const timeoutMs = options.timeout === undefined ? undefined : parseDuration(options.timeout, 'pause timeout');
    const now = Date.now();
    if (timeoutMs !== undefined) pause.timeoutAt = new Date(now + timeoutMs).toISOString();
    pause.pausedTime = new Date(now).toISOString();

    this.current = pause;
    this.decision = undefined;
    if (this.options.searchAttributes) upsertSearchAttributes(pausedAttributes(pause));
    this.options.emit('workflow.paused', pause);

    const ids = { executionId: pause.executionId, workflowId: pause.workflowType };
    let decision: Decision | undefined;
    try {
      const settled = () => this.decision !== undefined;
      if (timeoutMs === undefined) await condition(settled);
      else await condition(settled, timeoutMs);
      decision = this.pending();
    } catch (error) {
      // The workflow itself was cancelled (or failed) while waiting: the pause ends
      // too, and the paused list must learn it.
      this.end();
      this.options.emit('workflow.cancelled', {
        ...ids,
        pausedAt: pause.pausedAt,
        reason: error instanceof Error ? error.message : String(error),
      });
      throw error;
    }
    this.end();

    if (decision === undefined) {
      const timeoutAt = pause.timeoutAt as string;
      this.options.emit('workflow.timeout', { ...ids, pausedAt: pause.pausedAt, timeoutAt });
      return { type: 'timeout', path: (options.onTimeout ?? 'timeout') as TPath, timeoutAt };
    }
    if (decision.type === 'cancelled') {
      this.options.emit('workflow.cancelled', { ...ids, pausedAt: pause.pausedAt, reason: decision.reason });
      return decision;
    }
    this.options.emit('workflow.resumed', {
      ...ids,
      resumedFrom: pause.pausedAt,
      resumedBy: decision.resumedBy,
      ...(decision.payload === undefined ? {} : { payload: decision.payload }),
    });
    return { type: 'resumed', payload: decision.payload as TPayload | undefined, resumedBy: decision.resumedBy };
  }

  /** The decision a signal made (read through a method: it changes while we await). */
  private pending(): Decision | undefined {
    return this.decision;
  }

  private end(): void {
    this.current = null;
    this.decision = undefined;
    if (this.options.searchAttributes) upsertSearchAttributes(resumedAttributes());
  }

  private describe<TVariables>(options: PauseOptions<TVariables, string>): PausedWorkflow {
    const bad = (why: string) => new ResumableError('INVALID_PARAMETER', `pause: ${why}`);
    if (typeof options !== 'object' || options === null) throw bad('options must be an object');
    if (typeof options.name !== 'string' || options.name.length === 0) throw bad('name must be a non-empty string');
    const waitingFor = options.waitingFor ?? [];
    if (!Array.isArray(waitingFor) || !waitingFor.every((name) => typeof name === 'string' && name.length > 0)) {
      throw bad('waitingFor must be an array of non-empty event names');
    }
    if (options.correlation !== undefined && (typeof options.correlation !== 'string' || options.correlation === '')) {
      throw bad('correlation must be a non-empty string');
    }
    const variables = options.variables ?? {};
    if (typeof variables !== 'object' || variables === null || Array.isArray(variables)) {
      throw bad('variables must be an object');
    }
    const info = workflowInfo();
    const workflowName = options.workflowName ?? this.options.workflowName;
    const pause: PausedWorkflow = {
      executionId: info.workflowId,
      workflowType: info.workflowType,
      // The deprecated name of the same value, still sent for older readers.
      workflowId: info.workflowType,
      ...(workflowName === undefined ? {} : { workflowName }),
      pausedAt: options.name,
      pausedTime: '',
      waitingFor: [...new Set(waitingFor)],
      timeoutAt: null,
      variables: variables as Record<string, unknown>,
      ...(options.correlation === undefined ? {} : { correlation: options.correlation }),
    };
    // Refused here, with a reason, rather than by the server, which would end the workflow.
    const oversized = this.options.searchAttributes ? oversizedPauseAttribute(pause) : undefined;
    if (oversized) throw bad(oversized);
    return pause;
  }

  // Signals cannot answer with an error, so bad or late ones are logged and dropped;
  // the first decision for a pause wins. A key seen before is a redelivery: dropped
  // even when a later pause waits, which it would otherwise end by mistake. Signals
  // are applied in history order, so the remembered keys replay identically.
  private decide(decision: Decision, signal: string, key: unknown): void {
    if (key !== undefined && !isActionKey(key)) {
      log.warn(`Resumable ignored ${signal}: idempotencyKey must be 1 to 128 printable ASCII characters`);
      return;
    }
    if (key !== undefined && this.keys.includes(key)) {
      log.warn(`Resumable ignored ${signal}: the action "${key}" was applied already`);
      return;
    }
    if (!this.current) {
      log.warn(`Resumable ignored ${signal}: the workflow is not paused`);
      return;
    }
    if (this.decision) {
      log.warn(
        `Resumable ignored ${signal}: the pause "${this.current.pausedAt}" already ended (${this.decision.type})`,
      );
      return;
    }
    this.decision = decision;
    if (key === undefined) return;
    this.keys.push(key);
    if (this.keys.length > MAX_ACTION_KEYS) this.keys.shift();
  }

  private onResume(args: (ResumeSignalArgs & ActionKey) | undefined): void {
    if (args !== undefined && args !== null && (typeof args !== 'object' || Array.isArray(args))) {
      log.warn(`Resumable ignored ${SIGNAL_NAMES.resume}: its argument must be an object`);
      return;
    }
    const resumedBy = args?.resumedBy;
    if (resumedBy !== undefined && typeof resumedBy !== 'string') {
      log.warn(`Resumable ignored ${SIGNAL_NAMES.resume}: resumedBy must be a string`);
      return;
    }
    this.decide(
      { type: 'resumed', payload: args?.payload, resumedBy: resumedBy ?? SIGNAL_NAMES.resume },
      SIGNAL_NAMES.resume,
      args?.idempotencyKey,
    );
  }

  private onCancel(args: CancelSignalArgs & ActionKey): void {
    if (typeof args !== 'object' || args === null || typeof args.reason !== 'string') {
      log.warn(`Resumable ignored ${SIGNAL_NAMES.cancel}: its argument must be { reason: string }`);
      return;
    }
    this.decide({ type: 'cancelled', reason: args.reason }, SIGNAL_NAMES.cancel, args.idempotencyKey);
  }

  private onTrigger(args: TriggerSignalArgs & ActionKey): void {
    if (typeof args !== 'object' || args === null || typeof args.event !== 'string' || args.event === '') {
      log.warn(
        `Resumable ignored ${SIGNAL_NAMES.trigger}: its argument must be { event: string, payload?, correlation? }`,
      );
      return;
    }
    const pause = this.current;
    if (!pause || !pause.waitingFor.includes(args.event)) {
      log.warn(`Resumable ignored event "${args.event}": the workflow does not wait for it`);
      return;
    }
    // A correlated pause takes only triggers with its key, and a correlated trigger
    // reaches only pauses with that key (the contract on `PausedWorkflow.correlation`).
    if ((pause.correlation ?? undefined) !== (args.correlation ?? undefined)) {
      log.warn(`Resumable ignored event "${args.event}": its correlation does not match the pause`);
      return;
    }
    this.decide(
      { type: 'resumed', payload: args.payload, resumedBy: args.event },
      `event "${args.event}"`,
      args.idempotencyKey,
    );
  }
}
