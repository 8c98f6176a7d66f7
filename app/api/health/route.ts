import { checkDatabaseHealth } from '@/db/health';

export const dynamic = 'force-dynamic';

export async function GET() {
  const health = await checkDatabaseHealth();
  const body = health.ok
    ? { status: 'ok', database: { driver: health.driver, migrations: health.migrations } }
    : { status: 'unavailable', message: health.reason };
  return Response.json(body, { status: health.ok ? 200 : 503, headers: { 'Cache-Control': 'no-store' } });
}
