'use client';
import { useCallback, useEffect, useState, useSyncExternalStore } from './react';
import type { SharedRegistry, Subscribable } from './client/index';

/**
 * What both hooks share: while `active`, subscribe to the shared subscription of
 * `registry` (one connection per key, whoever asks); read its state with
 * `useSyncExternalStore`, the initial state during server rendering and while
 * inactive. After every render the options go to the registry, the one place they
 * are merged (so the newest `refreshToken` and `fetch` win for every subscriber), and
 * to an observer created once (what this component alone needs, such as `onUpdate`),
 * so new callbacks on every render never reconnect. Returns the state, this
 * component's newest options and the subscription, if one exists.
 */
export function useShared<TOptions extends object, TState, TSub extends Subscribable<TState>>(
  options: TOptions,
  active: boolean,
  registry: SharedRegistry<TOptions, TSub>,
  initial: TState,
  key: unknown[],
  attach?: (subscription: TSub, current: () => TOptions) => () => void,
): [TState, () => TOptions, () => TSub | undefined] {
  const [observer] = useState(() => ({ options, current: () => observer.options }));
  useEffect(() => {
    observer.options = options;
    if (active) registry.get(options);
  });
  const subscribe = useCallback(
    (listener: () => void) => {
      if (!active) return () => {};
      const subscription = registry.get(observer.options);
      const detach = attach?.(subscription, observer.current);
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
    observer.current,
    peek,
  ];
}
