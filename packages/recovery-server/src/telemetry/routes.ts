import type { RouteDefinition } from '../http/route';
import type { RecoveryKind } from './telemetry';

/**
 * @internal A recovery route, measured: each request in a span, counted and timed
 * with its outcome. The route's own definition stays free of telemetry.
 */
export function measuredRecovery(kind: RecoveryKind, route: RouteDefinition): RouteDefinition {
  return { ...route, handle: (input) => input.server.telemetry.recovery(kind, input.id, () => route.handle(input)) };
}

/**
 * @internal The bus ingress, measured: a batch the receiver refused (its answer is an
 * error status, never a throw) counts as a bus error.
 */
export function measuredBusIngress(route: RouteDefinition): RouteDefinition {
  return {
    ...route,
    async handle(input) {
      const outcome = await route.handle(input);
      if (outcome instanceof Response && outcome.status >= 400) input.server.telemetry.busError('ingress');
      return outcome;
    },
  };
}
