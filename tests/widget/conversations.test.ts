import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { type ConversationCursor, type ConversationFilters, listConversations, listMessagesOfSessions } from '@/db/queries/conversations';
import { messages, sessions, widgets } from '@/db/schema';
import { withTenantId } from '@/db/withTenant';
import { CSV_HEADER, csvRows, jsonConversation } from '@/lib/conversations/export';
import { queryRows } from '../helpers/database';
import { createTeam, type Team } from '../helpers/team';

describe('conversation list and export', () => {
  let db: Database;
  let team: Team;
  let otherWidgetId: string;
  beforeAll(async () => {
    ({ db } = await getDatabase());
    team = await createTeam(db, 'Conversations');
    const [widget] = await db.insert(widgets).values({ tenantId: team.tenantId, name: 'Docs chat' }).returning();
    otherWidgetId = widget!.id;
    // 30 conversations within one millisecond (only microseconds apart, several exactly tied),
    // where a cursor that went through a JS Date would skip or repeat rows.
    await db.insert(sessions).values(
      Array.from({ length: 30 }, (_, i) => ({
        tenantId: team.tenantId,
        widgetId: i % 3 === 0 ? null : i % 2 ? team.widgetId : otherWidgetId,
        source: i % 3 === 0 ? ('playground' as const) : ('widget' as const),
        createdAt: sql`timestamptz '2026-03-10 12:00:00.123+00' + make_interval(secs => ${Math.floor(i / 2)} * 0.000001)`,
      })),
    );
  });
  afterAll(closeDatabase);

  async function everyPage(filters: ConversationFilters, pageSize: number) {
    const seen: string[] = [];
    let cursor: ConversationCursor | undefined;
    do {
      const page = await withTenantId(team.tenantId, (tx) => listConversations(tx, team.tenantId, filters, cursor, pageSize));
      expect(page.rows.length).toBeLessThanOrEqual(pageSize);
      seen.push(...page.rows.map((row) => row.id));
      cursor = page.next;
    } while (cursor);
    return seen;
  }

  it('pages through (created_at, id) keysets without skipping or repeating a conversation', async () => {
    const ids = (await queryRows<{ id: string }>(db, sql`select id from sessions where tenant_id = ${team.tenantId} order by created_at desc, id desc`)).map((row) => row.id);
    expect(ids).toHaveLength(31);
    for (const size of [1, 4, 7, 31, 50]) expect(await everyPage({}, size)).toEqual(ids);
  });

  it('filters by source, widget and date range', async () => {
    expect(await everyPage({ source: 'playground' }, 6)).toHaveLength(10);
    expect(await everyPage({ widgetId: otherWidgetId }, 6)).toHaveLength(10);
    expect(await everyPage({ widgetId: team.widgetId, source: 'widget' }, 6)).toHaveLength(11);
    expect(await everyPage({ from: new Date('2026-03-10T00:00:00Z'), to: new Date('2026-03-10T23:59:59.999Z') }, 8)).toHaveLength(30);
    expect(await everyPage({ to: new Date('2026-03-09T23:59:59.999Z') }, 8)).toHaveLength(0);
  });

  it('exports CSV that a spreadsheet cannot be tricked by, and JSON without tenant ids', async () => {
    await db.insert(messages).values([
      { tenantId: team.tenantId, sessionId: team.sessionId, role: 'assistant', content: '=HYPERLINK("https://evil.example","Click")', feedback: -1, metadata: { model: 'gpt-4o-mini', costUsd: '0.00021870', latencyMs: 812 } },
      { tenantId: team.tenantId, sessionId: team.sessionId, role: 'user', content: 'Line one,\n"quoted" line two' },
    ]);
    const { row, rows } = await withTenantId(team.tenantId, async (tx) => {
      const page = await listConversations(tx, team.tenantId, { widgetId: team.widgetId }, undefined, 100);
      return { row: page.rows.find((candidate) => candidate.id === team.sessionId)!, rows: await listMessagesOfSessions(tx, team.tenantId, [team.sessionId]) };
    });
    expect(row.firstQuestion).toBe('Do you ship abroad?');
    const csv = CSV_HEADER + csvRows(row, rows);
    const lines = csv.split('\r\n');
    expect(lines[0]).toMatch(/^session_id,session_started_at,source,mode,widget,/);
    expect(csv).toContain(`"'=HYPERLINK(""https://evil.example"",""Click"")"`);
    expect(csv).toContain('"Line one,\n""quoted"" line two"');
    expect(csv).toContain(',gpt-4o-mini,');
    expect(csv).toContain(',0.00021870,812,');

    const json = jsonConversation(row, rows);
    expect(json.messages).toHaveLength(3);
    expect(JSON.stringify(json)).not.toMatch(/tenantId|cursorCreatedAt/);
    expect(json).toMatchObject({ id: team.sessionId, widgetName: 'Site chat', source: 'widget' });
  });
});
