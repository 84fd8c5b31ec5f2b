import { ResumableError } from '@resumable/protocol';
import { defineRoute } from '../http/route';

/** `POST resumable/bus`: bus messages from workers in other processes, authenticated by the server secret. */
export const busIngress = defineRoute({
  method: 'POST',
  path: 'resumable/bus',
  auth: 'server-secret',
  async handle({ request, server }) {
    if (!server.busReceiver) throw new ResumableError('NOT_FOUND', 'No such route');
    return server.busReceiver(request);
  },
});
