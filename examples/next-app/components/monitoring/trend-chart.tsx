'use client';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { TrendPoint } from '@/lib/analytics';
import { formatMs } from './format';

/**
 * Cycles started and success rate per day, with the median duration on its own axis.
 * Only the days cycles actually ran: Temporal's start time cannot be backdated, so a
 * fresh seed is one day, and the chart says so rather than inventing a history.
 */
export function TrendChart({ points }: { points: TrendPoint[] }) {
  const data = points.map((point) => ({
    period: point.period,
    cycles: point.cycles,
    success: point.successRate === null ? null : Math.round(point.successRate * 100),
    median: point.medianDurationMs,
  }));
  const note =
    points.length === 0
      ? 'No cycles yet.'
      : points.length === 1
        ? `One day so far (${points[0]?.period}): all cycles ran that day. Later days appear as cycles run on them.`
        : `The ${points.length} days cycles ran, ${points[0]?.period} to ${points.at(-1)?.period}; days without cycles are left out.`;
  return (
    <div data-testid="trend-chart" data-days={points.length}>
      <p className="muted small" data-testid="trend-note">
        UTC days the cycles actually started on (Temporal&apos;s start time, which cannot be backdated; nothing is made
        up). {note}
      </p>
      <ResponsiveContainer width="100%" height={260}>
        <LineChart data={data} margin={{ top: 8, right: 8, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="period" tick={{ fontSize: 11 }} />
          <YAxis yAxisId="count" allowDecimals={false} width={40} tick={{ fontSize: 11 }} />
          <YAxis
            yAxisId="ms"
            orientation="right"
            tickFormatter={(value: number) => formatMs(value)}
            width={60}
            tick={{ fontSize: 11 }}
          />
          <Tooltip />
          <Legend verticalAlign="top" height={24} />
          <Line yAxisId="count" dataKey="cycles" name="cycles" stroke="#3b5bdb" isAnimationActive={false} dot />
          <Line yAxisId="count" dataKey="success" name="success %" stroke="#2f9e44" isAnimationActive={false} dot />
          <Line yAxisId="ms" dataKey="median" name="median duration" stroke="#e8890c" isAnimationActive={false} dot />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
