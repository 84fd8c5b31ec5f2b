import { TestCycleView } from '@/components/test-cycle-view';

export const metadata = { title: 'Test cycle · Resumable example' };

export default function TestCyclePage() {
  return <TestCycleView />;
}
