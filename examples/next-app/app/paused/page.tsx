import { PausedDashboard } from '@/components/paused-dashboard';

export const metadata = { title: 'Paused workflows · Resumable example' };

export default function PausedPage() {
  return <PausedDashboard />;
}
