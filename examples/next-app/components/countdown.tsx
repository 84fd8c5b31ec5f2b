'use client';
import { useEffect, useState } from 'react';

function format(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const mmss = `${String(minutes).padStart(2, '0')}:${String(seconds).padStart(2, '0')}`;
  return hours ? `${hours}:${mmss}` : mmss;
}

/** Time left until an ISO deadline, ticking every second. */
export function Countdown({ deadline }: { deadline: string | null }) {
  const [now, setNow] = useState<number | undefined>(undefined);
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  if (!deadline) return <span className="countdown">no timeout</span>;
  if (now === undefined) return <span className="countdown">…</span>;
  const left = Date.parse(deadline) - now;
  return (
    <span className={`countdown${left < 60_000 ? ' urgent' : ''}`} data-testid="countdown" title={deadline}>
      {left > 0 ? `times out in ${format(left)}` : 'timing out…'}
    </span>
  );
}
