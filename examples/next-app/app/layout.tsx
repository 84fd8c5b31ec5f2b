import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: 'Resumable example',
  description: 'Temporal workflow progress over Server-Sent Events, exactly once and in order.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
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
          </nav>
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
