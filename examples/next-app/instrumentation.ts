/**
 * Runs once when the Next.js server starts, and Next.js serves nothing until it has
 * returned: create the Resumable singleton and wait for its start-up recovery (the
 * paused list rebuilt from Temporal, the pause reminders re-armed, the event routes
 * registered), so the first browser is served from rebuilt state and the worker's
 * bus messages have somewhere to go. The wait is bounded: with Temporal down the app
 * still starts, and its routes answer 503 (`Retry-After`) until recovery succeeds.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { readyServer } = await import('./lib/server/resumable');
  await readyServer();
}
