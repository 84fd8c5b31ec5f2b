import { ResumableError } from '@resumable/protocol';
import { mayAccessTask } from '../auth/tokens';
import { objectBody, optionalString, readJsonBody, stringField } from '../http/params';
import { json } from '../http/responses';
import { callerOf, defineRoute } from '../http/route';

/** `POST workflow/triggers` `{ event, payload?, correlation? }`: an external event for every execution waiting for it. */
export const trigger = defineRoute({
  method: 'POST',
  path: 'workflow/triggers',
  auth: { action: 'trigger' },
  async handle(input) {
    const { request, server } = input;
    const { claims } = callerOf(input);
    await server.paused.listen();
    const body = objectBody(await readJsonBody(request, server.maxBodyBytes));
    const event = stringField(body, 'event', 256);
    const correlation = optionalString(body, 'correlation', 256);
    // @resumable/workflow-state resumes a pause only when the correlation keys are
    // equal (both absent, or the same): target exactly those executions.
    const targets = server.registry
      .routesFor(event, correlation)
      .filter((id) => server.registry.get(id)?.correlation === correlation)
      .filter((id) => mayAccessTask(claims, id));
    const delivered: string[] = [];
    const failed: { executionId: string; code: string }[] = [];
    await Promise.all(
      targets.map(async (executionId) => {
        try {
          await server.gateway.trigger(executionId, {
            event,
            payload: body.payload,
            ...(correlation === undefined ? {} : { correlation }),
          });
          delivered.push(executionId);
        } catch (error) {
          failed.push({ executionId, code: ResumableError.from(error).code });
        }
      }),
    );
    return json({ event, delivered: delivered.sort(), failed });
  },
});
