import { Client, Connection } from '@temporalio/client';
import { startDevServer } from '@resumable/temporal-dev';
import { QUERY_NAMES } from '@resumable/protocol';
const server = await startDevServer({ log: () => undefined });
const connection = await Connection.connect({ address: server.address });
const client = new Client({ connection, namespace: server.namespace });
try {
  const h = await client.workflow.start('tickingTask', { taskQueue: 'nobody', workflowId: 'p1', args: [{ count: 10 }] });
  console.log('described', (await h.describe()).status.name);
  const t0 = Date.now();
  try { console.log(await h.query(QUERY_NAMES.updatesSince, 0, 10)); } catch (e) { console.log('query error after', Date.now() - t0, (e as Error).constructor.name, (e as Error).message); }
  const h2 = await client.workflow.start('tickingTask', { taskQueue: 'nobody', workflowId: 'p2', args: [{ count: 10 }], startDelay: '10s' });
  console.log('delayed described', (await h2.describe()).status.name);
  const t1 = Date.now();
  try { console.log(await h2.query(QUERY_NAMES.updatesSince, 0, 10)); } catch (e) { console.log('query2 error after', Date.now() - t1, (e as Error).constructor.name, (e as Error).message); }
} finally { await connection.close(); await server.stop(); }
