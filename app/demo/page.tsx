import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { resolvePublicWidget } from '@/db/queries/widgets';
import { DEMO_WIDGET_ID } from '@/db/seed/ids';
import { withSystem } from '@/db/withTenant';
import { originMatches } from '@/lib/domains';
import { publicAppOrigin } from '@/lib/widget/app-origin';

export const metadata: Metadata = { title: 'Acme Pulse · widget demo' };
export const dynamic = 'force-dynamic';

/**
 * A stand-in for a tenant's website (the seeded Acme workspace) with its widget embedded by
 * the same snippet a tenant pastes, so `npm run dev` shows the whole loop on one page.
 */
export default async function DemoPage() {
  const widget = await withSystem((tx) => resolvePublicWidget(tx, DEMO_WIDGET_ID));
  const origin = await publicAppOrigin();
  const embeddable = widget?.isActive && originMatches(origin, widget.allowedOrigins);
  // The page's Content-Security-Policy runs only scripts that carry its nonce (proxy.ts).
  const nonce = (await headers()).get('x-nonce') ?? undefined;

  return (
    <div className="min-h-screen bg-gradient-to-b from-indigo-50 to-white text-slate-900">
      <header className="mx-auto flex max-w-5xl items-center justify-between px-6 py-5">
        <span className="text-lg font-bold text-indigo-700">Acme Pulse</span>
        <nav className="flex gap-6 text-sm text-slate-600" aria-label="Demo site">
          <span>Monitoring</span>
          <span>Pricing</span>
          <span>Docs</span>
        </nav>
      </header>
      <main className="mx-auto max-w-5xl px-6 py-16">
        <p className="text-sm font-semibold tracking-wide text-indigo-600 uppercase">Demo host page</p>
        <h1 className="mt-3 text-4xl font-bold tracking-tight sm:text-5xl">Know your site is up before your customers do.</h1>
        <p className="mt-5 max-w-2xl text-lg text-slate-600">
          This page plays the part of a customer’s website. The chat button in the corner is the demo workspace’s widget, embedded with
          the same one-line snippet a tenant copies from the dashboard. Ask it about plans, free trials or cron job monitoring.
        </p>
        {!widget && (
          <p role="alert" className="mt-8 rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm">
            The demo widget is missing: run <code>npm run db:seed</code> (or <code>npm run dev</code>, which seeds) first.
          </p>
        )}
        {widget && !embeddable && (
          <p role="alert" className="mt-8 rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm">
            {widget.isActive
              ? `This page is served from ${origin}, which is not among the demo widget’s allowed origins (${widget.allowedOrigins.join(', ')}). Add it in Dashboard → Widgets to see the chat here.`
              : 'The demo widget is turned off. Turn it on in Dashboard → Widgets.'}
          </p>
        )}
        <pre className="mt-10 overflow-x-auto rounded-lg bg-slate-900 p-4 text-xs text-slate-100">
          {`<script src="${origin}/widget.js" data-widget-id="${DEMO_WIDGET_ID}" async></script>`}
        </pre>
      </main>
      {embeddable && <script src="/widget.js" data-widget-id={DEMO_WIDGET_ID} nonce={nonce} async />}
    </div>
  );
}
