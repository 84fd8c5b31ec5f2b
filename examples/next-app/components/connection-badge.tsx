'use client';
import type { ConnectionStatus } from '@resumable/react-hooks';

const LABEL: Record<ConnectionStatus, string> = {
  idle: 'idle',
  connecting: 'connecting',
  open: 'live',
  reconnecting: 'reconnecting',
  offline: 'offline',
  hidden: 'paused (tab hidden)',
  ended: 'finished',
  error: 'error',
};

/** A dot and a word for a stream's connection status. */
export function ConnectionBadge({ status, cut }: { status: ConnectionStatus; cut?: boolean }) {
  const shown = cut ? 'cut' : status;
  return (
    <span className={`conn conn-${shown}`} data-testid="connection" data-status={shown}>
      <i aria-hidden />
      {cut ? 'connection cut' : LABEL[status]}
    </span>
  );
}
