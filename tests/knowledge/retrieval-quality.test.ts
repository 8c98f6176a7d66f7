import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, getDatabase } from '@/db/client';
import { seedDatabase } from '@/db/seed';
import { withTenantId } from '@/db/withTenant';
import { localEmbedder } from '@/lib/knowledge/embedders';
import { hybridSearch } from '@/lib/knowledge/search';

// Questions a visitor would ask, each labelled with the section (last heading) of the demo
// knowledge that answers it. Phrased the way people ask, not copied from the text.
const LABELLED: Array<{ question: string; gold: string }> = [
  { question: 'How often do you check my site on the growth plan?', gold: 'How often are checks run?' },
  { question: 'can you watch cron jobs', gold: 'What can Acme Pulse monitor?' },
  { question: 'when do you decide a monitor is down', gold: 'When is a monitor considered down?' },
  { question: 'will I be warned before my SSL certificate expires', gold: 'Do you support SSL certificate expiry checks?' },
  { question: 'can alerts go to Slack or PagerDuty', gold: 'Where can alerts be sent?' },
  { question: 'stop alerts during planned maintenance', gold: 'Can I pause alerts during maintenance?' },
  { question: 'do you have a public status page', gold: 'What is a status page?' },
  { question: 'is there two-factor authentication', gold: 'Is two-factor authentication supported?' },
  { question: 'where do you store monitoring data, EU or US', gold: 'Where is my data stored?' },
  { question: 'export my check history as CSV', gold: 'How do I export my data?' },
  { question: 'how much is the starter plan', gold: 'Starter: $19 per month' },
  { question: 'which plan has SAML single sign-on', gold: 'Business: $249 per month' },
  { question: 'enterprise pricing and SLA', gold: 'Enterprise: custom pricing' },
  { question: 'is there a free trial, do I need a credit card', gold: 'Is there a free trial?' },
  { question: 'what happens when I go over my monitor limit', gold: 'What happens if I go over my monitor limit?' },
  { question: 'can I upgrade or downgrade my plan anytime', gold: 'Can I change plans at any time?' },
  { question: 'discount for non-profits', gold: 'Do you offer discounts?' },
  { question: 'refund for a yearly plan', gold: 'How do refunds work?' },
  { question: 'invite teammates and set their roles', gold: '2. Add your team' },
  { question: 'connect Slack alerts', gold: '3. Set up alert channels' },
  { question: 'escalate to the team lead if nobody acknowledges', gold: '4. Create an escalation policy' },
  { question: 'heartbeat URL for my backup script', gold: '5. Monitor your cron jobs with heartbeats' },
  { question: 'use my own domain for the status page with a CNAME', gold: '6. Publish a status page' },
  { question: 'site works for me but the monitor says it is down', gold: 'My monitor says down but the site works for me' },
  { question: "I'm not getting alert emails", gold: 'I am not receiving alert emails' },
];

const RECALL_AT_5_FLOOR = 0.9;

describe('retrieval quality on the demo knowledge (offline lexical embedder)', () => {
  let tenantId: string;
  beforeAll(async () => {
    const { db } = await getDatabase();
    tenantId = (await seedDatabase(db)).tenants[0]!.id;
  });
  afterAll(closeDatabase);

  it(`keeps recall@5 at or above ${RECALL_AT_5_FLOOR}`, async () => {
    const misses: string[] = [];
    for (const { question, gold } of LABELLED) {
      const vector = (await localEmbedder.embed([question], 'query')).vectors[0]!;
      const hits = await withTenantId(tenantId, (tx) =>
        hybridSearch(tx, { tenantId, text: question, vector, embeddingModel: localEmbedder.model, limit: 5 }),
      );
      if (!hits.some((hit) => hit.headingPath.at(-1) === gold)) misses.push(`${question} → ${hits.map((hit) => hit.headingPath.at(-1)).join(' | ')}`);
    }
    const recall = (LABELLED.length - misses.length) / LABELLED.length;
    console.log(`recall@5 = ${recall.toFixed(2)} over ${LABELLED.length} questions${misses.length ? `; misses:\n  ${misses.join('\n  ')}` : ''}`);
    expect(recall).toBeGreaterThanOrEqual(RECALL_AT_5_FLOOR);
  });
});
