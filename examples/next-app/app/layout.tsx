import type { Metadata } from 'next';
import Link from 'next/link';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import { TemporalUiProvider, type TemporalUi } from '@/components/temporal-ui';
import './globals.css';

export const metadata: Metadata = {
  title: 'Resumable example',
  description: 'Temporal workflow progress over Server-Sent Events, exactly once and in order.',
};

/** Read at request time (not baked in at build), so one build serves any deployment. */
async function temporalUi(): Promise<TemporalUi | null> {
  await connection();
  const baseUrl = process.env.TEMPORAL_UI_URL;
  return baseUrl ? { baseUrl, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' } : null;
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const ui = await temporalUi();
  return (
    <html lang="en">
      <body>
        <header className="topbar">
          <Link href="/" className="brand">
            Resumable <span>example</span>
          </Link>
          <nav>
            <Link href="/tasks">Task board</Link>
            <Link href="/paused">Paused workflows</Link>
            <Link href="/test-cycle">Test cycle</Link>
            <Link href="/workflow-monitoring">Monitoring</Link>
            <Link href="/metrics">Metrics</Link>
          </nav>
        </header>
        <main>
          <TemporalUiProvider ui={ui}>{children}</TemporalUiProvider>
        </main>
      </body>
    </html>
  );
}
