import { MonitoringDashboard } from '@/components/monitoring/monitoring-dashboard';

export const metadata = { title: 'Workflow monitoring · Resumable example' };

export default function WorkflowMonitoringPage() {
  return <MonitoringDashboard />;
}
