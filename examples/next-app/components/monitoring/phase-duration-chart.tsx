'use client';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { PhaseStats } from '@/lib/analytics';
import { formatMs } from './format';

/** p50 and p95 duration of each phase, side by side. */
export function PhaseDurationChart({ phases }: { phases: PhaseStats[] }) {
  const data = phases.map((phase) => ({ name: phase.name, p50: phase.p50Ms ?? 0, p95: phase.p95Ms ?? 0 }));
  return (
    <div data-testid="phase-chart">
      <ResponsiveContainer width="100%" height={300}>
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="name" interval={0} angle={-25} textAnchor="end" height={90} tick={{ fontSize: 11 }} />
          <YAxis tickFormatter={(value: number) => formatMs(value)} width={60} tick={{ fontSize: 11 }} />
          <Tooltip formatter={(value) => formatMs(Number(value))} />
          <Legend verticalAlign="top" height={24} />
          <Bar dataKey="p50" name="p50" fill="#3b5bdb" isAnimationActive={false} />
          <Bar dataKey="p95" name="p95" fill="#a5b4fc" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
