// Runs once when a Next.js server process starts. It decides each request's client address
// from the socket and the trusted proxies (lib/client-address.ts). In the embedded setup the same process
// works the background queue (document ingestion); set JOBS_IN_PROCESS=false to run workers
// separately (npm run worker).
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs' || process.env.NEXT_PHASE === 'phase-production-build') return;
  const { getEnv } = await import('@/lib/env');
  const { installClientAddressHook } = await import('@/lib/client-address');
  installClientAddressHook(getEnv().TRUSTED_PROXY_HOPS);
  if (!getEnv().JOBS_IN_PROCESS) return;
  const { startWorkers } = await import('@/lib/jobs/workers');
  await startWorkers().catch((error) => console.error('Background workers did not start', error));
}
