'use client';
import { Bar, BarChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { PhaseShare, PhaseStats } from '@/lib/analytics';
import { formatRate, phaseColour } from './format';

/**
 * One bar: the critical-path time of all cycles, split by phase. The bottleneck is
 * the widest segment, drawn solid; the others are faded.
 */
export function BottleneckBar({ phases, bottleneck }: { phases: PhaseStats[]; bottleneck: PhaseShare | null }) {
  const shown = phases.filter((phase) => phase.criticalMs > 0);
  const row = Object.fromEntries([
    ['label', 'critical path'],
    ...shown.map((phase) => [`p${phase.phase}`, Math.round((phase.criticalShare ?? 0) * 1000) / 10]),
  ]);
  return (
    <div data-testid="bottleneck-bar">
      <p className="small" data-testid="bottleneck">
        {bottleneck ? (
          <>
            Bottleneck: <b>{bottleneck.name}</b>, {formatRate(bottleneck.criticalShare)} of the time on the critical
            path
          </>
        ) : (
          'No finished phases yet'
        )}
      </p>
      <ResponsiveContainer width="100%" height={90}>
        <BarChart data={[row]} layout="vertical" margin={{ top: 0, right: 8, bottom: 0, left: 8 }}>
          <XAxis
            type="number"
            domain={[0, 100]}
            ticks={[0, 25, 50, 75, 100]}
            allowDataOverflow
            tickFormatter={(value: number) => `${value}%`}
            tick={{ fontSize: 11 }}
          />
          <YAxis type="category" dataKey="label" hide />
          <Tooltip formatter={(value) => `${String(value)}%`} />
          {shown.map((phase) => (
            <Bar
              key={phase.phase}
              dataKey={`p${phase.phase}`}
              name={phase.name}
              stackId="critical"
              fill={phaseColour(phase.phase)}
              fillOpacity={phase.phase === bottleneck?.phase ? 1 : 0.35}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
