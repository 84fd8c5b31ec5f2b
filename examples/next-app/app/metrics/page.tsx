import { MetricsPanel } from '@/components/metrics-panel';

export const metadata = { title: 'Metrics · Resumable example' };

export default function MetricsPage() {
  return <MetricsPanel />;
}
