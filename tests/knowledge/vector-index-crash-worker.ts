// A worker process for tests/knowledge/vector-index-crash.test.ts, reaching the database over
// the wire like `npm run worker` (DATABASE_URL). CRASH_MODE=crash commits two batches, then
// holds a third in an open transaction (its graph insertions done) until it is killed;
// CRASH_MODE=resume runs the indexing job's function to the end.
import { indexPendingChunks } from '@/db/queries/knowledge';
import { withTenantId } from '@/db/withTenant';
import { indexTenantChunks } from '@/lib/knowledge/vector-index';

const tenantId = process.env.CRASH_TENANT_ID!;
if (process.env.CRASH_MODE === 'resume') {
  console.log(JSON.stringify(await indexTenantChunks(tenantId, { minChunks: 0 })));
  process.exit(0);
}
for (let batch = 0; batch < 2; batch++) await indexTenantChunks(tenantId, { batchSize: 8, timeBudgetMs: 0, minChunks: 0 });
console.log('committed');
await withTenantId(tenantId, async (tx) => {
  await indexPendingChunks(tx, tenantId, 8);
  console.log('in flight');
  // Killed here, mid-transaction.
  await new Promise(() => setInterval(() => {}, 1000));
});
