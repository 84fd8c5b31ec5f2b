import { TaskBoard } from '@/components/task-board';

export const metadata = { title: 'Task board · Resumable example' };

export default function TasksPage() {
  return <TaskBoard />;
}
