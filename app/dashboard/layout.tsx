import type { Metadata } from 'next';
import { listUserWorkspaces } from '@/db/queries/memberships';
import { getTenantById } from '@/db/queries/tenants';
import { withSystem } from '@/db/withTenant';
import { ROLE_LABELS } from '@/lib/auth/permissions';
import { withDashboardTenant } from '@/lib/auth/session';
import { NavLinks } from './nav-links';
import { signOutAction, signOutEverywhereAction, switchWorkspaceAction } from './session-actions';

export const metadata: Metadata = { title: { default: 'Dashboard', template: '%s · Assistant Platform' } };

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const { tenant, role, session } = await withDashboardTenant(async (tx, context, session) => ({
    tenant: await getTenantById(tx, context.tenantId),
    role: context.role,
    session,
  }));
  const workspaces = await withSystem((tx) => listUserWorkspaces(tx, session.userId));

  return (
    <div className="min-h-screen bg-slate-50 dark:bg-slate-950">
      <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-3 px-4 py-3 sm:px-6">
          <div className="flex min-w-0 items-center gap-3">
            <span className="text-sm font-semibold text-indigo-600 dark:text-indigo-400">Assistant Platform</span>
            <span className="text-slate-300 dark:text-slate-700" aria-hidden>
              /
            </span>
            {workspaces.length > 1 ? (
              <form action={switchWorkspaceAction} className="flex items-center gap-2">
                <label htmlFor="workspace-switcher" className="sr-only">
                  Workspace
                </label>
                <select
                  id="workspace-switcher"
                  name="tenantId"
                  defaultValue={tenant?.id}
                  className="max-w-48 truncate rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900"
                >
                  {workspaces.map((workspace) => (
                    <option key={workspace.tenantId} value={workspace.tenantId}>
                      {workspace.name}
                    </option>
                  ))}
                </select>
                <button type="submit" className="text-sm text-indigo-600 hover:underline dark:text-indigo-400">
                  Switch
                </button>
              </form>
            ) : (
              <span className="truncate text-sm font-medium" data-testid="workspace-name">
                {tenant?.name}
              </span>
            )}
          </div>
          <details className="relative">
            <summary className="flex cursor-pointer list-none items-center gap-2 rounded-md px-2 py-1 text-sm hover:bg-slate-100 dark:hover:bg-slate-800">
              <span className="flex h-7 w-7 items-center justify-center rounded-full bg-indigo-600 text-xs font-semibold text-white" aria-hidden>
                {(session.name ?? session.email).slice(0, 1).toUpperCase()}
              </span>
              <span className="hidden sm:inline">{session.name ?? session.email}</span>
              <span className="sr-only">Account menu</span>
            </summary>
            <div className="absolute right-0 z-10 mt-2 w-64 rounded-lg border border-slate-200 bg-white p-2 shadow-lg dark:border-slate-800 dark:bg-slate-900">
              <div className="px-2 py-2 text-sm">
                <p className="font-medium">{session.name ?? session.email}</p>
                <p className="truncate text-slate-500">{session.email}</p>
                <p className="mt-1 text-xs text-slate-500">
                  {ROLE_LABELS[role]} of {tenant?.name}
                </p>
              </div>
              <form action={signOutAction}>
                <button type="submit" className="w-full rounded-md px-2 py-2 text-left text-sm hover:bg-slate-100 dark:hover:bg-slate-800">
                  Sign out
                </button>
              </form>
              <form action={signOutEverywhereAction}>
                <button type="submit" className="w-full rounded-md px-2 py-2 text-left text-sm hover:bg-slate-100 dark:hover:bg-slate-800">
                  Sign out everywhere
                </button>
              </form>
            </div>
          </details>
        </div>
      </header>
      <div className="mx-auto flex max-w-7xl flex-col gap-6 px-4 py-6 sm:px-6 md:flex-row">
        <nav aria-label="Dashboard" className="md:w-48 md:shrink-0">
          <NavLinks />
        </nav>
        <main className="min-w-0 flex-1">{children}</main>
      </div>
    </div>
  );
}
