/**
 * The @resumable/protocol README's example, verbatim (the docs check holds it to the
 * README): the server's handler served over a real socket, the client's loop reading it.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, expect, it, vi } from 'vitest';
import { encodeJsonEvent, readSseEvents, parseJsonData, type WorkflowUpdate } from '@resumable/protocol';

export function GET(): Response {
  const update: WorkflowUpdate = {
    id: 'task-1:1',
    timestamp: Date.now(),
    sequence: 1,
    type: 'message',
    data: { text: 'hi' },
  };
  const body = encodeJsonEvent('update', update, update.sequence);
  return new Response(body, { headers: { 'Content-Type': 'text/event-stream' } });
}

const http = createServer((req, res) => {
  const response = GET();
  void response.text().then((text) => {
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(text);
  });
});
http.listen(0, '127.0.0.1');
await once(http, 'listening');
const baseUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}/api`;
afterAll(() => void http.close());

it('the README client reads the README server: one update, sequence 1', async () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);

  const res = await fetch(`${baseUrl}/temporal/stream/task-1`, { headers: { 'Last-Event-ID': '0' } });
  for await (const event of readSseEvents(res.body!)) {
    if (event.event === 'update') console.log(parseJsonData<WorkflowUpdate>(event).sequence);
  }

  expect(res.headers.get('content-type')).toBe('text/event-stream');
  expect(log.mock.calls).toEqual([[1]]);
  log.mockRestore();
});
