import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { buttonClasses } from '@/components/ui/button';
import { signInOptions } from '@/lib/auth/config';
import { safeCallbackUrl } from '@/lib/auth/redirects';
import { getCurrentSession } from '@/lib/auth/session';
import { signInWithProvider } from './actions';
import { PasswordSignInForm } from './password-form';

export const metadata: Metadata = { title: 'Sign in' };

// Auth.js error codes that reach this page, in words a person can act on.
const ERRORS: Record<string, string> = {
  OAuthAccountNotLinked:
    'That email already has an account that signs in another way. Sign in the way you did before.',
  AccessDenied: 'Access was denied. If you expected to get in, ask your workspace owner.',
  EmailUnverified:
    'Your sign-in provider did not confirm that your email address is verified, so it cannot be used here. Verify it with the provider, or sign in another way.',
  Configuration: 'Sign-in is misconfigured on this server. Please tell the administrator.',
  Verification: 'That sign-in link has expired or was already used.',
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  if (await getCurrentSession()) redirect(callbackUrl);
  const options = signInOptions();
  const error = params.error ? (ERRORS[params.error] ?? 'Sign-in failed. Please try again.') : undefined;

  return (
    <main className="flex min-h-screen items-center justify-center bg-slate-50 px-4 py-12 dark:bg-slate-950">
      <div className="w-full max-w-sm rounded-2xl border border-slate-200 bg-white p-8 shadow-sm dark:border-slate-800 dark:bg-slate-900">
        <h1 className="text-xl font-semibold">Sign in to Assistant Platform</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">New here? Signing in creates your workspace.</p>
        {error && (
          <p role="alert" className="mt-4 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200">
            {error}
          </p>
        )}
        {options.oauth.length > 0 && (
          <div className="mt-6 flex flex-col gap-3">
            {options.oauth.map((provider) => (
              <form key={provider.id} action={signInWithProvider}>
                <input type="hidden" name="provider" value={provider.id} />
                <input type="hidden" name="callbackUrl" value={callbackUrl} />
                <button type="submit" className={buttonClasses('secondary', 'w-full')}>
                  Continue with {provider.name}
                </button>
              </form>
            ))}
          </div>
        )}
        {options.oauth.length > 0 && options.password && (
          <div className="my-6 flex items-center gap-3 text-xs text-slate-500" aria-hidden>
            <span className="h-px flex-1 bg-slate-200 dark:bg-slate-800" /> or <span className="h-px flex-1 bg-slate-200 dark:bg-slate-800" />
          </div>
        )}
        {options.password && (
          <div className={options.oauth.length ? '' : 'mt-6'}>
            <PasswordSignInForm callbackUrl={callbackUrl} />
          </div>
        )}
        {options.oauth.length === 0 && !options.password && (
          <p className="mt-6 text-sm text-slate-600 dark:text-slate-400">
            No sign-in method is configured. Set Google, Microsoft or OpenID Connect credentials in the environment (see the README).
          </p>
        )}
      </div>
    </main>
  );
}
