import { defineRoute } from '../http/route';
import { noRouteError } from '../http/router';

/** `POST resumable/bus`: bus messages from workers in other processes, authenticated by the server secret. */
export const busIngress = defineRoute({
  method: 'POST',
  path: 'resumable/bus',
  auth: 'server-secret',
  // A pause a worker reports while the list is rebuilt belongs in it.
  duringStartUp: true,
  async handle({ request, server }) {
    // Without a busSecret the route does not exist: a mounting app may own the path.
    if (!server.busReceiver) throw noRouteError();
    return server.busReceiver(request);
  },
});
