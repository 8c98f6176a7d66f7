import type { Metadata } from 'next';
import { buttonClasses } from '@/components/ui/button';
import { signOutAction } from '../dashboard/session-actions';

export const metadata: Metadata = { title: 'No access' };

export default function NoAccessPage() {
  return (
    <main className="flex min-h-screen items-center justify-center bg-slate-50 px-4 dark:bg-slate-950">
      <div className="flex max-w-md flex-col gap-4 rounded-2xl border border-slate-200 bg-white p-8 shadow-sm dark:border-slate-800 dark:bg-slate-900">
        <h1 className="text-xl font-semibold">You no longer have access to this workspace</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          An owner or admin removed you, or the workspace was deleted. Sign out, then sign in again to reach your other workspaces, or
          ask to be invited back.
        </p>
        <form action={signOutAction}>
          <button type="submit" className={buttonClasses('primary', 'w-full')}>
            Sign out
          </button>
        </form>
      </div>
    </main>
  );
}
