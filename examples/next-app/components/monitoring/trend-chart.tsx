'use client';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { TrendPoint } from '@/lib/analytics';
import { formatMs } from './format';

/** Cycles started and success rate per day, with the median duration on its own axis. */
export function TrendChart({ points }: { points: TrendPoint[] }) {
  const data = points.map((point) => ({
    period: point.period,
    cycles: point.cycles,
    success: point.successRate === null ? null : Math.round(point.successRate * 100),
    median: point.medianDurationMs,
  }));
  return (
    <div data-testid="trend-chart">
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
