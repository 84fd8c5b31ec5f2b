/**
 * Runs once when the Next.js server starts: create the Resumable singleton now, so
 * its start-up recovery (the paused list, rebuilt from Temporal) runs before the
 * first browser connects, and the worker's bus messages have somewhere to go.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { resumable } = await import('./lib/server/resumable');
  resumable();
}
