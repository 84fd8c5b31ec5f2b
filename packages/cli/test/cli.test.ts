import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowUpdate } from '@resumable/protocol';
import { exitCodeForStatus, runCli, tail, type Output } from '../src/index';
import {
  range,
  screenLines,
  spawnCli,
  startProxy,
  startStack,
  updateSequences,
  type Proxy,
  type Stack,
} from './harness';
import { approvalTask, emitMore, finish, progressTask } from './workflows';

// eslint-disable-next-line no-control-regex
const ESCAPE = /\x1b/;

describe('resumable (a real Temporal dev server, worker and recovery server)', () => {
  let stack: Stack;
  let proxy: Proxy;
  const run = Date.now();
  let started = 0;

  beforeAll(async () => {
    stack = await startStack();
    proxy = await startProxy(stack.port);
  });
  afterAll(async () => {
    await proxy?.close();
    await stack?.close();
  });

  const startProgress = (total: number) =>
    stack.client.workflow.start(progressTask, {
      taskQueue: stack.taskQueue,
      workflowId: `cli-progress-${run}-${++started}`,
      args: [{ total }],
    });
  const auth = () => ['--url', proxy.baseUrl, '--token', stack.token];

  it('draws a progress bar in a terminal and prints every update once, in order; exit 0 when completed', async () => {
    const handle = await startProgress(6);
    await handle.signal(emitMore, 3);
    const cli = spawnCli(['tail', handle.workflowId, ...auth()], { pty: true });
    await expect.poll(() => updateSequences(screenLines(cli.stdout)), { timeout: 30_000 }).toEqual(range(3));
    await handle.signal(emitMore, 3);
    await handle.signal(finish, 'COMPLETED');
    expect(await cli.exited).toBe(0);

    const lines = screenLines(cli.stdout);
    expect(updateSequences(lines)).toEqual(range(7));
    expect(lines.filter((line) => /^#\d+ {2}/.test(line))).toEqual([
      ...range(6).map((n) =>
        expect.stringMatching(new RegExp(`^#${n}  \\d\\d:\\d\\d:\\d\\d  progress  step ${n} of 6$`)),
      ),
      expect.stringMatching(/^#7 {2}.* result {2}finished: COMPLETED$/),
    ]);
    // The bar, redrawn in place (CR + erase line) as updates come, ends full.
    expect(cli.stdout).toContain('\r\x1b[2K[');
    expect(lines).toContainEqual(expect.stringMatching(/^\[█{12}░{12}\] {2}50% {2}RUNNING {2}#3/));
    expect(lines.at(-1)).toMatch(/^\[█{24}\] 100% {2}COMPLETED {2}#7 {2}ended$/);
  });

  it('resumes after the connection is cut mid-stream: each update still once, in order', async () => {
    const handle = await startProgress(9);
    await handle.signal(emitMore, 3);
    const before = proxy.connections;
    const cli = spawnCli(['tail', handle.workflowId, ...auth()], { pty: true });
    await expect.poll(() => updateSequences(screenLines(cli.stdout)), { timeout: 30_000 }).toEqual(range(3));

    // The network goes down; the workflow goes on.
    proxy.cut();
    try {
      await handle.signal(emitMore, 4);
      await expect.poll(() => screenLines(cli.stdout).at(-1), { timeout: 10_000 }).toMatch(/reconnecting: /);
      await new Promise((done) => setTimeout(done, 1_000));
    } finally {
      proxy.up();
    }
    await expect.poll(() => updateSequences(screenLines(cli.stdout)), { timeout: 30_000 }).toEqual(range(7));

    // And once more, while updates flow.
    proxy.cut();
    proxy.up();
    await handle.signal(emitMore, 2);
    await handle.signal(finish, 'COMPLETED');
    expect(await cli.exited).toBe(0);
    expect(updateSequences(screenLines(cli.stdout))).toEqual(range(10));
    expect(proxy.connections - before).toBeGreaterThanOrEqual(2);
  });

  it('resumes across a restart of the recovery server on the same port', async () => {
    const handle = await startProgress(8);
    await handle.signal(emitMore, 3);
    const direct = ['--url', `http://127.0.0.1:${stack.port}/api`, '--token', stack.token];
    const cli = spawnCli(['tail', handle.workflowId, ...direct], { pty: true });
    await expect.poll(() => updateSequences(screenLines(cli.stdout)), { timeout: 30_000 }).toEqual(range(3));
    // Down for a second and a half, while the workflow emits; the new instance has an empty cache.
    const restarted = stack.restartServer(1_500);
    await handle.signal(emitMore, 3);
    await restarted;
    await expect.poll(() => updateSequences(screenLines(cli.stdout)), { timeout: 30_000 }).toEqual(range(6));
    await handle.signal(emitMore, 2);
    await handle.signal(finish, 'COMPLETED');
    expect(await cli.exited).toBe(0);
    const lines = screenLines(cli.stdout);
    expect(updateSequences(lines)).toEqual(range(9));
    expect(lines).toContainEqual(expect.stringMatching(/reconnecting: /));
  });

  it('exits 1 for a failed workflow; without a terminal: plain lines, no escape codes', async () => {
    const handle = await startProgress(4);
    await handle.signal(emitMore, 2);
    const cli = spawnCli(['tail', handle.workflowId, ...auth()]);
    await expect.poll(() => updateSequences(screenLines(cli.stdout)), { timeout: 30_000 }).toEqual(range(2));
    await handle.signal(finish, 'FAILED');
    expect(await cli.exited).toBe(1);
    await expect(handle.result()).rejects.toThrow();
    expect(cli.stdout).not.toMatch(ESCAPE);
    expect(cli.stderr).not.toMatch(ESCAPE);
    expect(cli.stdout.split('\n')).toEqual([
      expect.stringMatching(/^#1 {2}\d\d:\d\d:\d\d {2}progress {2}step 1 of 4$/),
      expect.stringMatching(/^#2 {2}.*step 2 of 4$/),
      expect.stringMatching(/^#3 {2}.*finished: FAILED$/),
      '',
    ]);
    expect(cli.stderr).toContain(`${handle.workflowId} ended: FAILED (last update #3)`);
  });

  it('exits 1 for a workflow that threw without writing a failed status (Temporal says it failed)', async () => {
    const handle = await startProgress(4);
    await handle.signal(emitMore, 2);
    const cli = spawnCli(['tail', handle.workflowId, ...auth()]);
    await expect.poll(() => updateSequences(screenLines(cli.stdout)), { timeout: 30_000 }).toEqual(range(2));
    await handle.signal(finish, 'THREW');
    expect(await cli.exited).toBe(1);
    await expect(handle.result()).rejects.toThrow();
    expect(updateSequences(screenLines(cli.stdout))).toEqual(range(2));
  });

  it('--json prints one parsable line per update; --since starts after a sequence', async () => {
    const handle = await startProgress(5);
    await handle.signal(emitMore, 5);
    await handle.signal(finish, 'COMPLETED');
    await handle.result();
    const all = spawnCli(['tail', handle.workflowId, '--json', ...auth()]);
    const later = spawnCli(['tail', handle.workflowId, '--json', '--since', '4', ...auth()]);
    expect(await all.exited).toBe(0);
    expect(await later.exited).toBe(0);
    const parse = (text: string) =>
      text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as WorkflowUpdate);
    const updates = parse(all.stdout);
    expect(updates.map((update) => update.sequence)).toEqual(range(6));
    expect(updates[0]).toMatchObject({
      id: `${handle.workflowId}:1`,
      type: 'progress',
      data: { text: 'step 1 of 5', percent: 20 },
    });
    expect(parse(later.stdout).map((update) => update.sequence)).toEqual([5, 6]);
    expect(all.stderr).toBe('');
  });

  it('paused lists a paused workflow; paused resume resumes it and the workflow completes', async () => {
    const workflowId = `cli-order-${run}`;
    const handle = await stack.client.workflow.start(approvalTask, {
      taskQueue: stack.taskQueue,
      workflowId,
      args: [{ orderId: workflowId }],
    });
    await expect
      .poll(
        async () => {
          const list = spawnCli(['paused', ...auth()]);
          await list.exited;
          return list.stdout;
        },
        { timeout: 20_000, interval: 500 },
      )
      .toMatch(new RegExp(`^${workflowId} +wait-approval \\(waiting for order\\.approved\\) +\\d{4}-.*ago\\)$`, 'm'));

    const json = spawnCli(['paused', '--json', ...auth()]);
    expect(await json.exited).toBe(0);
    expect(JSON.parse(json.stdout)).toContainEqual(expect.objectContaining({ executionId: workflowId }));

    const resume = spawnCli(['paused', 'resume', workflowId, '--data', '{"approvedBy":"ada"}', ...auth()]);
    expect(await resume.exited).toBe(0);
    expect(resume.stdout).toBe(`resume: ${workflowId} accepted\n`);
    await expect(handle.result()).resolves.toBe('approved');

    const again = spawnCli(['paused', 'resume', workflowId, ...auth()]);
    expect(await again.exited).toBe(65);
    expect(again.stderr).toMatch(/\[REFUSED, NOT_PAUSED\]/);

    const tail = spawnCli(['tail', workflowId, ...auth()]);
    expect(await tail.exited).toBe(0);
    expect(tail.stdout).toMatch(/approved by ada/);
  });

  it('paused cancel cancels a paused workflow', async () => {
    const workflowId = `cli-order-cancel-${run}`;
    const handle = await stack.client.workflow.start(approvalTask, {
      taskQueue: stack.taskQueue,
      workflowId,
      args: [{ orderId: workflowId }],
    });
    await expect.poll(() => stack.server.pausedRegistry.has(workflowId), { timeout: 20_000 }).toBe(true);
    const cancel = spawnCli(['paused', 'cancel', workflowId, '--reason', 'not needed', ...auth()]);
    expect(await cancel.exited).toBe(0);
    await expect(handle.result()).resolves.toBe('cancelled');
    const tail = spawnCli(['tail', workflowId, ...auth()]);
    expect(await tail.exited).toBe(2);
  });

  it('Ctrl-C in the terminal exits 130 and says where to go on from', async () => {
    const handle = await startProgress(10);
    await handle.signal(emitMore, 2);
    const cli = spawnCli(['tail', handle.workflowId, ...auth()], { pty: true });
    await expect.poll(() => updateSequences(screenLines(cli.stdout)), { timeout: 30_000 }).toEqual(range(2));
    cli.type('\x03');
    expect(await cli.exited).toBe(130);
    expect(screenLines(cli.stdout)).toContainEqual(
      expect.stringContaining(`To go on from there: resumable tail ${handle.workflowId} --since 2`),
    );
    await handle.terminate('test done');
  });

  it('tail() follows a task from a program, each update once', async () => {
    const handle = await startProgress(3);
    await handle.signal(emitMore, 3);
    await handle.signal(finish, 'COMPLETED');
    const [baseUrl, token, taskId] = [proxy.baseUrl, stack.token, handle.workflowId];

    const seen: number[] = [];
    const { status, lastSequence } = await tail({
      connection: { baseUrl, token },
      taskId,
      since: 1, // the last sequence you already have
      onUpdate: (update) => seen.push(update.sequence),
    });
    process.exitCode = exitCodeForStatus(status); // COMPLETED → 0

    expect(process.exitCode).toBe(0);
    process.exitCode = undefined;
    expect({ status, lastSequence, seen }).toEqual({ status: 'COMPLETED', lastSequence: 4, seen: [2, 3, 4] });
  });

  describe('errors (in process)', () => {
    const capture = () => {
      let text = '';
      const output: Output & { text: () => string } = { write: (chunk) => void (text += chunk), text: () => text };
      return output;
    };
    const cli = async (argv: string[]) => {
      const stdout = capture();
      const stderr = capture();
      const code = await runCli(argv, { stdout, stderr, env: {} });
      return { code, stdout: stdout.text(), stderr: stderr.text() };
    };

    it('an unknown task is 66, a bad token 77, an unreachable server 69; one line each, no stack', async () => {
      const missing = await cli(['tail', `cli-missing-${run}`, ...auth()]);
      expect(missing).toMatchObject({ code: 66, stdout: '' });
      expect(missing.stderr).toMatch(/^resumable: .*\[NOT_FOUND, TASK_NOT_FOUND\]\n$/);

      const badToken = await cli(['tail', `cli-missing-${run}`, '--url', proxy.baseUrl, '--token', 'nope']);
      expect(badToken.code).toBe(77);
      expect(badToken.stderr).toMatch(/\[UNAUTHORIZED/);

      const paused = await cli(['paused', '--url', proxy.baseUrl]);
      expect(paused.code).toBe(77);

      const closed = await startProxy(1);
      await closed.close();
      const down = await cli(['tail', 'x', '--url', closed.baseUrl, '--retry-for', '1']);
      expect(down.code).toBe(69);
      expect(down.stderr).toContain(`cannot reach ${closed.baseUrl} (ECONNREFUSED)`);
      expect(down.stderr).not.toMatch(/\n\s+at /);
    });
  });
});
