import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as costs from '@/app/dashboard/costs/mutations';
import * as knowledge from '@/app/dashboard/knowledge/mutations';
import * as sources from '@/app/dashboard/knowledge/sources/mutations';
import * as meetings from '@/app/dashboard/meetings/mutations';
import * as settings from '@/app/dashboard/settings/mutations';
import * as team from '@/app/dashboard/team/mutations';
import * as widgets from '@/app/dashboard/widgets/mutations';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import type { TenantAction } from '@/lib/actions/define-action';
import { createTeam, snapshotTeam, type Team } from '../helpers/team';

type Case = { name: string; action: TenantAction; input: (t: Team) => Record<string, string>; fields: string[] };

const CASES: Case[] = [
  { name: 'workspace: empty name, bad domain, bad cap', action: settings.updateWorkspace, input: () => ({ name: ' ', allowedDomains: 'not a domain!', monthlySpendCapUsd: '-5' }), fields: ['name', 'allowedDomains', 'monthlySpendCapUsd'] },
  { name: 'workspace: name too long, cap with 3 decimals', action: settings.updateWorkspace, input: () => ({ name: 'x'.repeat(101), allowedDomains: '', monthlySpendCapUsd: '10.555' }), fields: ['name', 'monthlySpendCapUsd'] },
  { name: 'secret key: empty name', action: settings.createSecretKey, input: () => ({ name: '' }), fields: ['name'] },
  { name: 'secret key: malformed id', action: settings.revokeSecretKey, input: () => ({ keyId: '42' }), fields: ['keyId'] },
  { name: 'delete workspace: no confirmation', action: settings.deleteWorkspace, input: () => ({ confirmName: '' }), fields: ['confirmName'] },
  { name: 'invite: bad email and role', action: team.inviteMember, input: () => ({ email: 'nope', role: 'emperor' }), fields: ['email', 'role'] },
  { name: 'invitation: malformed id', action: team.cancelInvitation, input: () => ({ invitationId: 'x' }), fields: ['invitationId'] },
  { name: 'role: unknown role', action: team.changeMemberRole, input: (t) => ({ userId: t.users.target, role: 'root' }), fields: ['role'] },
  { name: 'remove: malformed id', action: team.removeTeamMember, input: () => ({ userId: 'me' }), fields: ['userId'] },
  { name: 'transfer: malformed id', action: team.transferOwnership, input: () => ({ userId: '' }), fields: ['userId'] },
  { name: 'document: empty title, too many tags', action: knowledge.updateDocumentMetadata, input: (t) => ({ documentId: t.documentId, title: '', tags: Array.from({ length: 25 }, (_, i) => `t${i}`).join(',') }), fields: ['title', 'tags'] },
  { name: 'threshold: zero amount, unknown period and severity', action: costs.addBudgetThreshold, input: () => ({ amountUsd: '0', period: 'hourly', severity: 'panic' }), fields: ['amountUsd', 'period', 'severity'] },
  { name: 'threshold: amount with 3 decimals', action: costs.addBudgetThreshold, input: () => ({ amountUsd: '1.234', period: 'daily', severity: 'warning' }), fields: ['amountUsd'] },
  { name: 'alert: malformed id', action: costs.resolveAlert, input: () => ({ alertId: 'x' }), fields: ['alertId'] },
  { name: 'import: not a web address', action: sources.addSource, input: () => ({ kind: 'page', url: 'file:///etc/passwd' }), fields: ['url'] },
  { name: 'source: bad cron, patterns and caps', action: sources.addSource, input: () => ({ kind: 'website', url: 'https://example.com/', schedule: 'cron', cron: '* * * * *', include: 'docs', maxPages: '99999', maxDepth: '-1' }), fields: ['cron', 'include', 'maxPages', 'maxDepth'] },
  { name: 'new widget: no name', action: widgets.createWidget, input: () => ({ name: '  ' }), fields: ['name'] },
  { name: 'meeting: no title, bad date, too many people', action: meetings.createMeeting, input: () => ({ title: ' ', scheduledFor: 'next tuesday', maxParticipants: '500' }), fields: ['title', 'scheduledFor', 'maxParticipants'] },
  { name: 'guest link: unknown lifetime', action: meetings.createGuestLink, input: (t) => ({ meetingId: t.meetingId, hours: '9999' }), fields: ['hours'] },
  { name: 'assistant: malformed meeting id', action: meetings.inviteAssistant, input: () => ({ meetingId: 'room-1' }), fields: ['meetingId'] },
  {
    name: 'widget: bad origins, colours, theme and too many questions',
    action: widgets.updateWidget,
    input: (t) => ({ widgetId: t.widgetId, name: 'Chat', allowedOrigins: 'https://ok.example\nnot a url!\nftp://files.example', theme: 'neon', position: 'middle', primaryColor: 'red', secondaryColor: '#fff', starterQuestions: 'a\nb\nc\nd\ne' }),
    fields: ['allowedOrigins', 'theme', 'position', 'primaryColor', 'secondaryColor', 'starterQuestions'],
  },
];

describe('bad input', () => {
  let db: Database;
  let t: Team;
  beforeAll(async () => {
    ({ db } = await getDatabase());
    t = await createTeam(db);
  });
  afterAll(closeDatabase);

  it.each(CASES)('$name: field errors, nothing written', async ({ action, input, fields }) => {
    const before = await snapshotTeam(db, t.tenantId);
    const state = await action.run({ userId: t.users.owner, tenantId: t.tenantId }, input(t));
    expect(state).toMatchObject({ status: 'error', code: 'invalid' });
    expect(Object.keys(state.fieldErrors ?? {}).sort()).toEqual([...fields].sort());
    expect(await snapshotTeam(db, t.tenantId)).toEqual(before);
  });

  it('hands back what was typed (but never a password) so the form keeps it', async () => {
    const state = await team.inviteMember.run({ userId: t.users.owner, tenantId: t.tenantId }, { email: 'nope', role: 'member', password: 'x' });
    expect(state.values).toEqual({ email: 'nope', role: 'member' });
  });

  it('refuses to delete the workspace when the typed name does not match', async () => {
    const state = await settings.deleteWorkspace.run({ userId: t.users.owner, tenantId: t.tenantId }, { confirmName: 'wrong' });
    expect(state).toMatchObject({ status: 'error', message: expect.stringContaining('does not match') });
    expect((await snapshotTeam(db, t.tenantId)).tenant).toHaveLength(1);
  });
});
