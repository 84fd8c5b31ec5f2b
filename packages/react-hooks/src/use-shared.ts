'use client';
import { useCallback, useEffect, useState, useSyncExternalStore } from './react';
import type { RefreshToken, SharedRegistry, Subscribable } from './client/index';

/**
 * What both hooks share: while `active`, subscribe to the shared subscription of
 * `registry` (one connection per key, whoever asks); read its state with
 * `useSyncExternalStore`, the initial state during server rendering and while
 * inactive. The newest options live in an observer created once, so a component
 * passing new callbacks on every render never reconnects. Returns the state, the
 * newest options (with a `refreshToken` that calls the newest callback) and the
 * subscription, if one exists.
 */
export function useShared<
  TOptions extends { refreshToken?: RefreshToken | undefined },
  TState,
  TSub extends Subscribable<TState>,
>(
  options: TOptions,
  active: boolean,
  registry: SharedRegistry<TOptions, TSub>,
  initial: TState,
  key: unknown[],
  attach?: (subscription: TSub, current: () => TOptions) => () => void,
): [TState, () => TOptions, () => TSub | undefined] {
  const [observer] = useState(() => ({ options }));
  useEffect(() => {
    observer.options = options;
  });
  const latest = useCallback((): TOptions => {
    const { refreshToken } = observer.options;
    return {
      ...observer.options,
      refreshToken: refreshToken && (() => (observer.options.refreshToken ?? refreshToken)()),
    };
  }, [observer]);
  const subscribe = useCallback(
    (listener: () => void) => {
      if (!active) return () => {};
      const subscription = registry.get(latest());
      const detach = attach?.(subscription, () => observer.options);
      const unsubscribe = subscription.subscribe(listener);
      return () => {
        detach?.();
        unsubscribe();
      };
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the key decides the subscription; the rest is read at use
    [active, ...key],
  );
  const peek = () => (active ? registry.peek(options) : undefined);
  return [
    useSyncExternalStore(
      subscribe,
      () => peek()?.getState() ?? initial,
      () => initial,
    ),
    latest,
    peek,
  ];
}
