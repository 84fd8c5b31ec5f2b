import { actionKey, objectBody, optionalString, readJsonBody, stringField } from '../http/params';
import { json } from '../http/responses';
import { callerOf, defineRoute } from '../http/route';
import { deliverTrigger } from '../paused/trigger-delivery';

/**
 * `POST workflow/triggers` `{ event, payload?, correlation? }`: an external event for
 * every execution waiting for it. An `Idempotency-Key` header goes with every signal:
 * an execution that applied the key before ignores the redelivery.
 */
export const trigger = defineRoute({
  method: 'POST',
  path: 'workflow/triggers',
  auth: { action: 'trigger' },
  async handle(input) {
    const { request, server } = input;
    const { claims } = callerOf(input);
    await server.paused.listen();
    const key = actionKey(request);
    const body = objectBody(await readJsonBody(request, server.maxBodyBytes));
    const event = stringField(body, 'event', 256);
    const correlation = optionalString(body, 'correlation', 256);
    const { delivered, failed } = await deliverTrigger(server, claims, {
      event,
      payload: body.payload,
      ...(correlation === undefined ? {} : { correlation }),
      ...(key === undefined ? {} : { idempotencyKey: key }),
    });
    return json({ event, delivered, failed });
  },
});
