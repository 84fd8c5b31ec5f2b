/**
 * One recovery-server instance of the soak, in its own process so the soak can
 * kill -9 it. Two of them share the Redis bus. Small publisher limits make a frozen
 * client a slow consumer within seconds rather than a minute.
 * Env: PORT, TEMPORAL_ADDRESS, REDIS_URL, RESUMABLE_SECRET.
 */
import { createServer } from 'node:http';
import { describeErrorContext } from '@resumable/protocol';
import { createRecoveryServer } from '@resumable/recovery-server';
import { toNodeHandler } from '@resumable/recovery-server/node';
import { createSsePublisher } from '@resumable/sse-publisher';
import { createRedisBus } from '@resumable/sse-publisher/redis';
import { required } from './env';

const errors = new Map<string, number>();
const server = createRecoveryServer({
  auth: { secret: required('RESUMABLE_SECRET') },
  temporal: { address: required('TEMPORAL_ADDRESS') },
  bus: createRedisBus({ url: required('REDIS_URL'), onError: () => count('bus') }),
  publisher: createSsePublisher({ heartbeatMs: 1000, maxStalledHeartbeats: 3, maxBufferedBytes: 512 * 1024 }),
  // The soak's Chromium tabs are served from another loopback port.
  cors: { origin: (origin) => /^http:\/\/127\.0\.0\.1:\d+$/.test(origin) },
  recoverPausedOnStart: false,
  pausedResyncMs: 0,
  onError: (error, context) => count(describeErrorContext(context), error),
});

/** Counts errors by context; the first few of each go to the log, so a failed soak can be read. */
function count(context: string, error?: unknown): void {
  const seen = (errors.get(context) ?? 0) + 1;
  errors.set(context, seen);
  if (seen <= 3)
    console.error(
      `[${new Date().toISOString()}] ${context}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
}

const http = createServer(toNodeHandler(server));
http.listen(Number(required('PORT')), '127.0.0.1', () => console.log('ready'));
process.once('SIGTERM', () => {
  http.close();
  void server.close().then(() => {
    console.log(`errors by context: ${JSON.stringify(Object.fromEntries(errors))}`);
    process.exit(0);
  });
});
