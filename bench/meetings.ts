// Meetings benchmarks on the embedded database (PGlite, in memory): LiveKit webhook throughput
// through the route handler (signature and body hash verified, de-duplicated, applied), and
// the minute accounting of 1,000 participants x 10 join/leave cycles against a recomputation.
import { performance } from 'node:perf_hooks';
import { and, eq, sql } from 'drizzle-orm';
import { POST } from '../app/api/livekit/webhook/route';
import type { Database } from '../db/client';
import { costEvents, meetingParticipants, meetings, tenants } from '../db/schema';
import { scopeToSystem, withTenantId } from '../db/withTenant';
import { roomNameFor } from '../lib/livekit/config';
import { reconcileMeetings } from '../lib/meetings/reconcile';
import { signWebhookBody, webhookEvent } from '../tests/helpers/livekit-webhooks';
import { seededRandom } from '../tests/helpers/random';

const PARTICIPANTS = Number(process.env.MEETINGS_BENCH_PARTICIPANTS ?? 1_000);
const CYCLES = Number(process.env.MEETINGS_BENCH_CYCLES ?? 10);
/** Share of deliveries that are retries of an earlier one (LiveKit retries on timeouts). */
const DUPLICATE_SHARE = 0.1;

async function newMeeting(db: Database, label: string) {
  const [tenant] = await scopeToSystem(db, (tx) => tx.insert(tenants).values({ name: label, publishableKey: `pk_bench_${label}_${Date.now()}` }).returning({ id: tenants.id }));
  const id = crypto.randomUUID();
  const roomName = roomNameFor(tenant!.id, id);
  await db.insert(meetings).values({ id, tenantId: tenant!.id, roomName, title: label });
  return { tenantId: tenant!.id, meetingId: id, roomName };
}

/** Signed deliveries, prepared before timing (LiveKit signs them, not us). */
async function prepare(bodies: string[]) {
  return Promise.all(bodies.map(async (body) => ({ body, authorization: await signWebhookBody(body) })));
}

async function deliver(deliveries: Array<{ body: string; authorization: string }>) {
  const started = performance.now();
  let failed = 0;
  for (const { body, authorization } of deliveries) {
    const response = await POST(new Request('http://bench/api/livekit/webhook', { method: 'POST', body, headers: { authorization } }));
    if (response.status !== 200) failed += 1;
  }
  return { seconds: (performance.now() - started) / 1000, failed };
}

export async function benchMeetings(db: Database) {
  console.log(`\n## Meetings (embedded PGlite, webhooks through the route handler)`);
  const rand = seededRandom(12);

  // 1. Throughput: join/leave pairs of distinct connections, with retried deliveries mixed in.
  {
    const { roomName, meetingId } = await newMeeting(db, 'webhooks');
    const base = Math.floor(Date.now() / 1000) - 7200;
    const bodies: string[] = [];
    for (let i = 0; i < 2_000; i++) {
      const participant = { sid: `PA_tp_${i}`, identity: `id-${i}`, joinedAt: base + i };
      bodies.push(webhookEvent({ id: `EV_tp_j${i}`, event: 'participant_joined', room: { name: roomName }, at: base + i, participant }));
      bodies.push(webhookEvent({ id: `EV_tp_l${i}`, event: 'participant_left', room: { name: roomName }, at: base + i + 1 + Math.floor(rand() * 3000), participant }));
    }
    const duplicates = Math.round(bodies.length * DUPLICATE_SHARE);
    for (let i = 0; i < duplicates; i++) bodies.push(bodies[Math.floor(rand() * bodies.length)]!);
    const deliveries = await prepare(bodies);
    // Warm-up on another meeting, so the first timed request does not pay for module loading.
    const warm = await newMeeting(db, 'warm');
    await deliver(await prepare([webhookEvent({ id: 'EV_warm', event: 'room_started', room: { name: warm.roomName }, at: base })]));
    // The floor on this machine right now: an empty tenant-scoped transaction (BEGIN, SET LOCAL
    // ROLE, set_config, SELECT 1, COMMIT), so the result can be read apart from the machine's load.
    let started = performance.now();
    for (let i = 0; i < 500; i++) await withTenantId(warm.tenantId, (tx) => tx.execute(sql`select 1`));
    const emptyMs = (performance.now() - started) / 500;
    const { seconds, failed } = await deliver(deliveries);
    started = performance.now();
    for (let i = 0; i < 500; i++) await withTenantId(warm.tenantId, (tx) => tx.execute(sql`select 1`));
    const emptyAfterMs = (performance.now() - started) / 500;
    const [billed] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(meetingParticipants)
      .where(and(eq(meetingParticipants.meetingId, meetingId), sql`${meetingParticipants.billedMinutes} is not null`));
    console.log(
      `${deliveries.length.toLocaleString('en-US')} signed deliveries (${duplicates} retries) in ${seconds.toFixed(1)} s: ` +
        `${(deliveries.length / seconds).toFixed(0)} events/s (goal 500/s); ${failed} refused; ${billed!.n} connections billed once each`,
    );
    const perEventMs = (seconds * 1000) / deliveries.length;
    const floorMs = (emptyMs + emptyAfterMs) / 2;
    console.log(
      `one delivery = ${perEventMs.toFixed(2)} ms = ${(perEventMs / floorMs).toFixed(1)}x an empty tenant transaction (${emptyMs.toFixed(2)} ms before, ${emptyAfterMs.toFixed(2)} ms after)`,
    );
  }

  // 2. Exactness: PARTICIPANTS people x CYCLES connections, every event shuffled, some leaves lost.
  {
    const { roomName, meetingId, tenantId } = await newMeeting(db, 'accounting');
    const base = Math.floor(Date.now() / 1000) - 36_000;
    const bodies: string[] = [];
    let expectedMinutes = 0;
    let lastLeave = base;
    const lost: Array<{ joinedAt: number }> = [];
    for (let p = 0; p < PARTICIPANTS; p++) {
      let t = base + Math.floor(rand() * 600);
      for (let c = 0; c < CYCLES; c++) {
        const duration = Math.floor(rand() * 1800);
        const participant = { sid: `PA_${p}_${c}`, identity: `person-${p}`, joinedAt: t };
        bodies.push(webhookEvent({ id: `EV_j_${p}_${c}`, event: 'participant_joined', room: { name: roomName }, at: t, participant }));
        if (rand() < 0.01) lost.push({ joinedAt: t });
        else {
          bodies.push(webhookEvent({ id: `EV_l_${p}_${c}`, event: 'participant_left', room: { name: roomName }, at: t + duration, participant }));
          expectedMinutes += Math.max(1, Math.ceil(duration / 60));
        }
        lastLeave = Math.max(lastLeave, t + duration);
        t += duration + 1 + Math.floor(rand() * 120);
      }
    }
    const endedAt = lastLeave + 5;
    for (const connection of lost) expectedMinutes += Math.max(1, Math.ceil((endedAt - connection.joinedAt) / 60));
    bodies.push(webhookEvent({ id: 'EV_finish', event: 'room_finished', room: { name: roomName }, at: endedAt }));
    for (let i = bodies.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [bodies[i], bodies[j]] = [bodies[j]!, bodies[i]!];
    }
    const deliveries = await prepare(bodies);
    const { seconds, failed } = await deliver(deliveries);
    const started = performance.now();
    await reconcileMeetings({ now: new Date((endedAt + 3600) * 1000), config: null });
    const reconcileSeconds = (performance.now() - started) / 1000;
    const [meeting] = await db.select().from(meetings).where(eq(meetings.id, meetingId));
    const [events] = await db
      .select({ n: sql<number>`count(*)::int`, units: sql<string>`sum(${costEvents.units})::text`, cost: sql<string>`sum(${costEvents.costUsd})::text` })
      .from(costEvents)
      .where(and(eq(costEvents.tenantId, tenantId), eq(costEvents.service, 'livekit')));
    const exact = Number(meeting!.participantMinutes) === expectedMinutes && Number(events!.units) === expectedMinutes && events!.n === PARTICIPANTS * CYCLES;
    console.log(
      `${PARTICIPANTS.toLocaleString('en-US')} participants x ${CYCLES} cycles: ${deliveries.length.toLocaleString('en-US')} shuffled events in ${seconds.toFixed(1)} s ` +
        `(${(deliveries.length / seconds).toFixed(0)}/s, ${failed} refused), ${lost.length} lost leaves closed by the reconciler in ${reconcileSeconds.toFixed(1)} s`,
    );
    console.log(
      `recomputed ${expectedMinutes.toLocaleString('en-US')} participant-minutes; meeting says ${meeting!.participantMinutes}, ` +
        `${events!.n.toLocaleString('en-US')} cost events sum to ${events!.units} minutes = $${events!.cost}: ${exact ? 'exact' : 'MISMATCH'}`,
    );
  }
}
