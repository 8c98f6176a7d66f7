import 'server-only';
import { createHash } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { and, eq, sql } from 'drizzle-orm';
import { chunkMarkdown } from '@/lib/knowledge/chunking';
import { embedLocally, LOCAL_EMBEDDING_MODEL } from '@/lib/knowledge/local-embedder';
import { costEventValues } from '@/lib/costs/events';
import type { Database, Transaction } from '../client';
import type { PgInsertValue } from 'drizzle-orm/pg-core';
import {
  aiPersonalities,
  costEvents,
  knowledgeChunks,
  knowledgeDocuments,
  memberships,
  messages,
  type MessageSource,
  type NewMessage,
  type NewSession,
  sessions,
  tenants,
  users,
  widgets,
} from '../schema';
import { scopeToSystem, scopeToTenant } from '../withTenant';
import { seedId } from './ids';
import { acmeDocuments, globexDocuments, type SeedDocument } from './knowledge';

export { DEMO_WIDGET_ID, seedId } from './ids';

// Idempotent demo data. Every row has an id derived from a stable name and is inserted with
// ON CONFLICT DO NOTHING, so running the seed again adds nothing. Everything is written
// through the same role-scoped transactions the app uses, which also exercises the policies.

export const DEMO_PASSWORD = 'password123';
export const SEED_DAYS = 60;


// Deterministic pseudo-random numbers (mulberry32) so a re-run produces the same rows.
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Conversation = { question: string; answer: string };

type SeedTenant = {
  key: string;
  name: string;
  publishableKey: string;
  plan: 'starter' | 'growth' | 'business' | 'enterprise';
  monthlySpendCapUsd: string;
  allowedDomains: string[];
  owner: { email: string; name: string };
  members: Array<{ email: string; name: string; role: 'admin' | 'member' }>;
  personality: { name: string; description: string; systemPrompt: string };
  widget: { name: string; allowedOrigins: string[]; greeting: string; primaryColor: string; starterQuestions: string[] };
  documents: SeedDocument[];
  conversations: Conversation[];
  sessionsPerDay: number;
};

const acme: SeedTenant = {
  key: 'acme',
  name: 'Acme Corporation',
  publishableKey: 'pk_test_acme_1234567890',
  plan: 'business',
  monthlySpendCapUsd: '1000.00',
  allowedDomains: ['https://acme.com', 'https://www.acme.com', 'http://localhost:3000'],
  owner: { email: 'admin@acme.com', name: 'John Doe' },
  members: [
    { email: 'priya@acme.com', name: 'Priya Raman', role: 'admin' },
    { email: 'sam@acme.com', name: 'Sam Okafor', role: 'member' },
  ],
  personality: {
    name: 'Acme Support',
    description: 'Friendly, precise support for Acme Pulse customers.',
    systemPrompt:
      'You are the support assistant for Acme Pulse, an uptime and cron-job monitoring service. ' +
      'Answer only from the provided knowledge, cite your sources, and be concise and friendly. ' +
      'If the knowledge does not cover a question, say so and suggest contacting support@acme.example.',
  },
  widget: {
    name: 'Main Website Widget',
    // The dev server's origins, so /demo (served by the app itself) can embed it.
    allowedOrigins: ['https://acme.com', 'https://www.acme.com', 'http://localhost:3000', 'http://127.0.0.1:3000'],
    greeting: 'Hi! I can answer questions about Acme Pulse monitoring, plans and setup.',
    primaryColor: '#4f46e5',
    starterQuestions: ['How often are checks run?', 'Is there a free trial?', 'How do I monitor a cron job?'],
  },
  documents: acmeDocuments,
  sessionsPerDay: 6,
  conversations: [
    { question: 'How often are checks run on the Growth plan?', answer: 'On the Growth plan every check runs every minute, from at least three regions [1].' },
    { question: 'Is there a free trial?', answer: 'Yes: every plan can be tried free for 14 days, with no credit card required [1].' },
    { question: 'Can I pause alerts during maintenance?', answer: 'Yes. Create a maintenance window under Incidents → Maintenance; checks keep running but no alerts are sent [1].' },
    { question: 'How do I monitor my cron jobs?', answer: 'Create a Heartbeat monitor, copy its URL and request it at the end of your job. If the ping is late, an incident opens [1].' },
    { question: 'What does the Business plan include?', answer: 'Business includes 500 monitors with 30-second intervals, escalation policies, SAML single sign-on, audit logs and priority support, for $249 per month [1].' },
    { question: 'Where is my data stored?', answer: 'Monitoring data is stored in Frankfurt (EU) by default; Enterprise customers can choose US residency [1].' },
    { question: 'Do you offer discounts for non-profits?', answer: 'Registered non-profits and open-source projects get 50% off Starter and Growth [1].' },
    { question: 'My monitor says down but my site works', answer: 'Check the per-region results in the incident. A firewall or bot protection often blocks our regions; allow the ranges under Settings → Network [1].' },
    { question: 'How do I add my team?', answer: 'Go to Settings → Team, choose Invite and pick a role for each teammate. Invitations expire after 7 days [1].' },
    { question: 'What happens if I exceed my monitor limit?', answer: 'New monitors beyond the limit are created paused and we suggest a plan that fits; nothing breaks [1].' },
    { question: 'Can I use my own domain for the status page?', answer: 'Yes: add a CNAME from status.yourdomain.com to pages.acme.example and the certificate is issued automatically [1].' },
    { question: 'How do refunds work?', answer: 'Yearly plans are refundable within 30 days of purchase; monthly plans can be cancelled any time and stay active to the end of the month [1].' },
  ],
};

const globex: SeedTenant = {
  key: 'globex',
  name: 'Globex Inc',
  publishableKey: 'pk_test_globex_0987654321',
  plan: 'starter',
  monthlySpendCapUsd: '50.00',
  allowedDomains: ['https://globex.example'],
  owner: { email: 'owner@globex.example', name: 'Hank Scorpio' },
  members: [],
  personality: {
    name: 'Globex Care',
    description: 'Order, shipping and returns help for Globex shoppers.',
    systemPrompt: 'You help Globex customers with orders, shipping and returns. Answer from the provided knowledge and cite it.',
  },
  widget: {
    name: 'Store Widget',
    allowedOrigins: ['https://globex.example'],
    greeting: 'Hello! Ask me about shipping and returns.',
    primaryColor: '#059669',
    starterQuestions: ['How long does shipping take?', 'How do I return an item?'],
  },
  documents: globexDocuments,
  sessionsPerDay: 2,
  conversations: [
    { question: 'How long does shipping take?', answer: 'Standard shipping takes 3 to 5 business days and is free over $50 [1].' },
    { question: 'How do I return an item?', answer: 'Start a return from Orders → Return items within 60 days; we email a prepaid label [1].' },
    { question: 'My item arrived damaged', answer: 'Send a photo to care@globex.example within 14 days and we ship a replacement at no cost [1].' },
  ],
};

export const SEED_TENANTS = [acme, globex];

type IndexedChunk = { id: string; documentId: string; title: string; headingPath: string[]; embedding: number[] };

function dot(a: number[], b: number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

async function seedTenant(db: Database, spec: SeedTenant, passwordHash: string, now: Date) {
  const tenantId = seedId(`${spec.key}/tenant`);
  const people = [{ ...spec.owner, role: 'owner' as const }, ...spec.members];

  await scopeToSystem(db, async (tx) => {
    await tx
      .insert(tenants)
      .values({
        id: tenantId,
        name: spec.name,
        publishableKey: spec.publishableKey,
        plan: spec.plan,
        allowedDomains: spec.allowedDomains,
        monthlySpendCapUsd: spec.monthlySpendCapUsd,
      })
      .onConflictDoNothing();
    await tx
      .insert(users)
      .values(
        people.map((person) => ({
          id: seedId(`user/${person.email}`),
          email: person.email,
          name: person.name,
          passwordHash,
          emailVerified: now,
        })),
      )
      .onConflictDoNothing();
  });

  await scopeToTenant(db, tenantId, async (tx) => {
    await tx
      .insert(memberships)
      .values(people.map((person) => ({ tenantId, userId: seedId(`user/${person.email}`), role: person.role })))
      .onConflictDoNothing();

    const personalityId = seedId(`${spec.key}/personality`);
    const [existingDefault] = await tx
      .select({ id: aiPersonalities.id })
      .from(aiPersonalities)
      .where(and(eq(aiPersonalities.tenantId, tenantId), eq(aiPersonalities.isDefault, true)));
    await tx
      .insert(aiPersonalities)
      .values({
        id: personalityId,
        tenantId,
        ...spec.personality,
        temperature: '0.30',
        maxTokens: 800,
        preferredModel: 'gpt-4o-mini',
        // Do not steal the default from a personality the tenant chose since the last seed.
        isDefault: !existingDefault,
      })
      .onConflictDoNothing();

    const widgetId = seedId(`${spec.key}/widget`);
    await tx
      .insert(widgets)
      .values({
        id: widgetId,
        tenantId,
        personalityId,
        name: spec.widget.name,
        allowedOrigins: spec.widget.allowedOrigins,
        settings: {
          theme: 'auto',
          position: 'bottom-right',
          greeting: spec.widget.greeting,
          primaryColor: spec.widget.primaryColor,
          secondaryColor: '#f8fafc',
          starterQuestions: spec.widget.starterQuestions,
        },
      })
      .onConflictDoNothing();

    const index: IndexedChunk[] = [];
    for (const document of spec.documents) {
      const documentId = seedId(`${spec.key}/document/${document.key}`);
      const chunks = chunkMarkdown(document.content, { maxTokens: 300, overlapTokens: 40 });
      const rows = chunks.map((chunk, position) => ({
        id: seedId(`${spec.key}/document/${document.key}/chunk/${position}`),
        tenantId,
        documentId,
        position,
        content: chunk.content,
        headingPath: chunk.headingPath,
        tokenCount: chunk.tokenCount,
        embedding: embedLocally(`${chunk.headingPath.join(' ')}\n${chunk.content}`),
        embeddingModel: LOCAL_EMBEDDING_MODEL,
        category: document.category,
        tags: document.tags,
        metadata: { overlapTokens: chunk.overlapTokens },
      }));
      const inserted = await tx
        .insert(knowledgeDocuments)
        .values({
          id: documentId,
          tenantId,
          title: document.title,
          category: document.category,
          tags: document.tags,
          sourceType: 'text',
          fileName: `${document.key}.md`,
          mimeType: 'text/markdown',
          sizeBytes: Buffer.byteLength(document.content),
          content: document.content,
          contentHash: createHash('sha256').update(document.content).digest('hex'),
          status: 'ready',
          progress: 100,
          chunkCount: rows.length,
          tokenCount: rows.reduce((sum, row) => sum + row.tokenCount, 0),
          embeddingModel: LOCAL_EMBEDDING_MODEL,
        })
        .onConflictDoNothing()
        .returning({ id: knowledgeDocuments.id });
      // Chunks go in only with their document, so a re-run never mixes old and new chunkings.
      if (inserted.length > 0) await tx.insert(knowledgeChunks).values(rows);
      index.push(...rows.map((row) => ({ ...row, title: document.title })));
    }

    await seedConversations(tx, spec, tenantId, widgetId, personalityId, index, now);
  });
  return tenantId;
}

const LLM = { provider: 'openai', model: 'gpt-4o-mini' };
const EMBEDDING_MODEL = 'text-embedding-3-small';

async function seedConversations(
  tx: Transaction,
  spec: SeedTenant,
  tenantId: string,
  widgetId: string,
  personalityId: string,
  index: IndexedChunk[],
  now: Date,
) {
  const next = random(Number.parseInt(seedId(spec.key).slice(0, 8), 16));
  const sessionRows: NewSession[] = [];
  const messageRows: NewMessage[] = [];
  const costRows: Array<PgInsertValue<typeof costEvents>> = [];
  const dayMs = 86_400_000;
  const startOfToday = Math.floor(now.getTime() / dayMs) * dayMs;

  for (let day = SEED_DAYS - 1; day >= 0; day--) {
    const dayStart = startOfToday - day * dayMs;
    // Traffic grows over the period and dips at weekends, like a real site's.
    const weekday = new Date(dayStart).getUTCDay();
    const weekendFactor = weekday === 0 || weekday === 6 ? 0.5 : 1;
    const growth = 0.6 + (0.8 * (SEED_DAYS - day)) / SEED_DAYS;
    const count = Math.round(spec.sessionsPerDay * growth * weekendFactor * (0.6 + next() * 0.8));
    for (let s = 0; s < count; s++) {
      const sessionId = seedId(`${spec.key}/session/${day}/${s}`);
      const startedAt = new Date(dayStart + Math.floor((8 + next() * 12) * 3_600_000));
      if (startedAt.getTime() > now.getTime()) continue;
      const isPlayground = next() < 0.08;
      const turns = 1 + Math.floor(next() * 3);
      let at = startedAt.getTime();
      for (let turn = 0; turn < turns; turn++) {
        const conversation = spec.conversations[Math.floor(next() * spec.conversations.length)]!;
        const queryVector = embedLocally(conversation.question);
        const best = index.reduce((top, chunk) => (dot(chunk.embedding, queryVector) > dot(top.embedding, queryVector) ? chunk : top));
        const sources: MessageSource[] = [
          { index: 1, documentId: best.documentId, chunkId: best.id, title: best.title, headingPath: best.headingPath },
        ];
        const inputTokens = 700 + Math.floor(next() * 900);
        const outputTokens = 60 + Math.floor(next() * 220);
        const queryTokens = 8 + Math.floor(next() * 20);
        const latencyMs = 600 + Math.floor(next() * 1800);
        const userAt = new Date(at);
        const assistantAt = new Date(at + latencyMs);
        messageRows.push({
          id: seedId(`${sessionId}/message/${turn}/user`),
          tenantId,
          sessionId,
          role: 'user',
          content: conversation.question,
          createdAt: userAt,
        });
        messageRows.push({
          id: seedId(`${sessionId}/message/${turn}/assistant`),
          tenantId,
          sessionId,
          role: 'assistant',
          content: conversation.answer,
          sources,
          feedback: next() < 0.15 ? (next() < 0.8 ? 1 : -1) : null,
          metadata: { model: LLM.model, provider: LLM.provider, inputTokens, outputTokens, latencyMs, answerMode: 'model' },
          createdAt: assistantAt,
        });
        // Priced like live calls: with the price list in effect on the day (two versions in 60 days).
        costRows.push({
          ...costEventValues({ tenantId, sessionId, service: 'embedding', model: EMBEDDING_MODEL, tokens: queryTokens, occurredAt: userAt, operation: 'query' }),
          id: seedId(`${sessionId}/cost/${turn}/embedding`),
        });
        costRows.push({
          ...costEventValues({ tenantId, sessionId, service: 'llm', model: LLM.model, inputTokens, outputTokens, occurredAt: assistantAt, operation: 'answer', durationMs: latencyMs }),
          id: seedId(`${sessionId}/cost/${turn}/llm`),
        });
        at += latencyMs + 20_000 + Math.floor(next() * 90_000);
      }
      sessionRows.push({
        id: sessionId,
        tenantId,
        widgetId: isPlayground ? null : widgetId,
        personalityId,
        source: isPlayground ? 'playground' : 'widget',
        metadata: isPlayground ? {} : { pageUrl: `${spec.widget.allowedOrigins[0]}/pricing` },
        createdAt: startedAt,
        lastMessageAt: new Date(at),
      });
    }

    // Usage reported by the voice, vision and meeting agents, not tied to a chat session.
    const occurredAt = new Date(dayStart + 15 * 3_600_000);
    if (occurredAt.getTime() > now.getTime()) continue;
    const minutes = Math.round((5 + next() * 40) * 100) / 100;
    const characters = 2_000 + Math.floor(next() * 12_000);
    const images = Math.floor(next() * 30);
    const participantMinutes = Math.round(next() * 180);
    const usage = [
      { key: 'stt', service: 'voice_stt', model: 'nova-3', minutes },
      { key: 'tts', service: 'voice_tts', model: 'tts-1', characters },
      { key: 'vision', service: 'vision', model: 'gpt-4o-mini-vision', images },
      { key: 'livekit', service: 'livekit', model: 'cloud', participantMinutes },
    ] as const;
    for (const { key, ...event } of usage) {
      costRows.push({ ...costEventValues({ ...event, tenantId, occurredAt, operation: 'agent usage' }), id: seedId(`${spec.key}/usage/${day}/${key}`) });
    }
  }

  const batch = <T>(rows: T[], size = 400) =>
    Array.from({ length: Math.ceil(rows.length / size) }, (_, i) => rows.slice(i * size, (i + 1) * size));
  for (const rows of batch(sessionRows)) await tx.insert(sessions).values(rows).onConflictDoNothing();
  for (const rows of batch(messageRows)) await tx.insert(messages).values(rows).onConflictDoNothing();
  for (const rows of batch(costRows)) await tx.insert(costEvents).values(rows).onConflictDoNothing();

  // Session totals derive from their messages and cost events, summed in SQL.
  await tx.execute(sql`
    update ${sessions} s set
      message_count = (select count(*) from ${messages} m where m.tenant_id = s.tenant_id and m.session_id = s.id),
      cost_usd = coalesce((select sum(e.cost_usd) from ${costEvents} e where e.tenant_id = s.tenant_id and e.session_id = s.id), 0)
    where s.tenant_id = ${tenantId}`);
}

export type SeedResult = { tenants: Array<{ id: string; name: string; ownerEmail: string }> };

export async function seedDatabase(db: Database, now = new Date()): Promise<SeedResult> {
  const passwordHash = await bcrypt.hash(DEMO_PASSWORD, 10);
  const result: SeedResult = { tenants: [] };
  for (const spec of SEED_TENANTS) {
    const id = await seedTenant(db, spec, passwordHash, now);
    result.tenants.push({ id, name: spec.name, ownerEmail: spec.owner.email });
  }
  return result;
}
