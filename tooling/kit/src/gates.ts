/**
 * Named gates a test opens from outside, for work it must hold mid-run (an activity
 * run by the test's own worker, in the same process). Opening counts: `wait(key, n)`
 * passes once `key` was opened `n` times in all, whether before or after the wait began.
 */
export class Gates {
  private readonly opened = new Map<string, number>();
  private readonly waiters = new Map<string, Set<() => void>>();

  /** Opens `key` once more. */
  open(key: string): void {
    this.opened.set(key, (this.opened.get(key) ?? 0) + 1);
    for (const wake of this.waiters.get(key) ?? []) wake();
  }

  /** Resolves once `key` has been opened `count` times. */
  async wait(key: string, count: number): Promise<void> {
    while ((this.opened.get(key) ?? 0) < count) {
      await new Promise<void>((resolve) => {
        const waiters = this.waiters.get(key) ?? new Set();
        const wake = () => {
          waiters.delete(wake);
          resolve();
        };
        waiters.add(wake);
        this.waiters.set(key, waiters);
      });
    }
  }
}

/**
 * An activity for progress tests (pass the worker's `reportProgress`): attempt 1 waits
 * for the first `gates.open(key)`, reports 3 steps and fails; attempt 2 reports 2 steps,
 * waits for the second, reports the 3rd and succeeds with `imported on attempt 2`.
 */
export function gatedImport(
  gates: Gates,
  report: (data: { step: number; of: number }) => void,
): (input: { key: string }) => Promise<string> {
  const attempts = new Map<string, number>();
  return async ({ key }) => {
    const attempt = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, attempt);
    if (attempt === 1) {
      await gates.wait(key, 1);
      for (let step = 1; step <= 3; step++) report({ step, of: 3 });
      throw new Error('the upload was cut at step 3');
    }
    report({ step: 1, of: 3 });
    report({ step: 2, of: 3 });
    await gates.wait(key, 2);
    report({ step: 3, of: 3 });
    return `imported on attempt ${attempt}`;
  };
}
