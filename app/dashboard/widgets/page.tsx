import type { Metadata } from 'next';
import Link from 'next/link';
import { Card } from '@/components/ui/card';
import { listWidgets } from '@/db/queries/widgets';
import { can } from '@/lib/auth/permissions';
import { withDashboardTenant } from '@/lib/auth/session';
import { CreateWidgetForm } from './widget-forms';

export const metadata: Metadata = { title: 'Widgets' };

export default async function WidgetsPage() {
  const { widgets, role } = await withDashboardTenant(async (tx, context) => ({
    widgets: await listWidgets(tx, context.tenantId),
    role: context.role,
  }));
  return (
    <div className="flex flex-col gap-6">
      <div>
        <h1 className="text-2xl font-semibold">Widgets</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          A chat button for your website. Each widget has its own look, allowed sites and personality.
        </p>
      </div>
      {can(role, 'widgets:manage') && (
        <Card title="New widget">
          <CreateWidgetForm />
        </Card>
      )}
      <Card title={`Your widgets (${widgets.length})`}>
        {widgets.length === 0 ? (
          <p className="py-6 text-center text-sm text-slate-600 dark:text-slate-400">
            No widgets yet. Create one, add your site to its allowed origins and paste its snippet into your pages.
          </p>
        ) : (
          <ul className="divide-y divide-slate-200 dark:divide-slate-800">
            {widgets.map((widget) => (
              <li key={widget.id} className="flex flex-wrap items-center justify-between gap-3 py-3" data-testid="widget-row">
                <div className="min-w-0">
                  <Link href={`/dashboard/widgets/${widget.id}`} className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
                    {widget.name}
                  </Link>
                  <p className="truncate text-xs text-slate-500">
                    {widget.allowedOrigins.length > 0 ? widget.allowedOrigins.join(', ') : 'Uses the workspace’s allowed domains'}
                  </p>
                </div>
                <span
                  className={`rounded-full px-2 py-0.5 text-xs font-medium ${
                    widget.isActive
                      ? 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200'
                      : 'bg-slate-200 text-slate-700 dark:bg-slate-800 dark:text-slate-300'
                  }`}
                >
                  {widget.isActive ? 'Live' : 'Off'}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
