'use client';
import { useCallback, useEffect, useState } from 'react';
import type { StartedWorkflow } from '@/app/actions';

/**
 * Workflows this browser started, kept in localStorage so a page reload keeps the
 * board (and every card then replays its task from the durable log).
 */
export function useRecentWorkflows(key: string, max = 12) {
  const storageKey = `resumable-example:${key}`;
  const [items, setItems] = useState<StartedWorkflow[]>([]);
  useEffect(() => {
    try {
      setItems(JSON.parse(localStorage.getItem(storageKey) ?? '[]') as StartedWorkflow[]);
    } catch {
      setItems([]);
    }
  }, [storageKey]);
  const save = useCallback(
    (next: StartedWorkflow[]) => {
      localStorage.setItem(storageKey, JSON.stringify(next));
      setItems(next);
    },
    [storageKey],
  );
  const add = useCallback(
    (item: StartedWorkflow) => {
      setItems((current) => {
        const next = [item, ...current.filter((other) => other.workflowId !== item.workflowId)].slice(0, max);
        localStorage.setItem(storageKey, JSON.stringify(next));
        return next;
      });
    },
    [storageKey, max],
  );
  const clear = useCallback(() => save([]), [save]);
  return { items, add, clear };
}
