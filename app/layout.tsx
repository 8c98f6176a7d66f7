import type { Metadata } from 'next';
import { connection } from 'next/server';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Assistant Platform', template: '%s · Assistant Platform' },
  description: 'Put a trustworthy AI assistant on your website: grounded in your knowledge, with sources and costs you can see.',
};

export default async function RootLayout({ children }: Readonly<{ children: React.ReactNode }>) {
  // Every page is rendered per request: its scripts carry that response's CSP nonce (proxy.ts).
  // A page prerendered at build time would have none, and the browser would refuse its scripts.
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen bg-white font-sans text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        {children}
      </body>
    </html>
  );
}
