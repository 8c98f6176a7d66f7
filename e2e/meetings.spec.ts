import { expect, test } from '@playwright/test';
import { deriveGuestLinkKey, signGuestLink } from '../lib/meetings/guest-link-token';
import { LIVEKIT_TEST_KEY, LIVEKIT_TEST_SECRET, signWebhookBody, webhookEvent } from '../tests/helpers/livekit-webhooks';
import { signedInPage } from './helpers';

// The app runs with LiveKit's room API served by e2e/livekit-server.ts and no media server
// (none can run here): joining gets as far as the browser's connection, which must fail with
// a clear message. Chromium has a fake camera and microphone (playwright.config.ts).

const E2E_AUTH_SECRET = 'e2e-only-secret-e2e-only-secret-e2e-only-secret';

test('a meeting: create, device check, a clear "cannot reach LiveKit", guest links, and minutes and cost from signed webhooks', async ({ browser, request }) => {
  // Two failed media connections (each retried once by the client) take most of a minute.
  test.setTimeout(180_000);
  const page = await signedInPage(browser, 'admin@acme.com');
  await page.getByRole('link', { name: 'Meetings' }).click();
  await expect(page.getByRole('heading', { name: 'Meetings', level: 1 })).toBeVisible();

  // Create: a title is required.
  await page.getByRole('button', { name: 'Create meeting' }).click();
  await expect(page.getByText('Give the meeting a title')).toBeVisible();
  await page.getByLabel('Title').fill('E2E customer call');
  await page.getByRole('button', { name: 'Create meeting' }).click();
  await expect(page).toHaveURL(/\/dashboard\/meetings\/[0-9a-f-]{36}$/);
  const meetingUrl = page.url();
  const meetingId = meetingUrl.split('/').at(-1)!;
  await expect(page.getByRole('heading', { name: /E2E customer call/ })).toContainText('Upcoming');

  // Join: the pre-join page previews the (fake) camera before anything connects.
  await page.getByRole('link', { name: 'Join meeting' }).click();
  const prejoin = page.getByTestId('prejoin');
  await expect(prejoin).toBeVisible();
  await expect(prejoin.locator('video')).toBeVisible({ timeout: 15_000 });
  await expect.poll(() => prejoin.locator('video').evaluate((video: HTMLVideoElement) => video.videoWidth), { timeout: 15_000 }).toBeGreaterThan(0);
  await prejoin.getByRole('button', { name: 'Join meeting' }).click();
  // The room exists (created through the room API); the media server does not answer.
  const state = page.getByTestId('meeting-state');
  await expect(state).toHaveAttribute('data-state', 'unreachable', { timeout: 45_000 });
  await expect(state).toContainText('Cannot reach LiveKit');
  await expect(page.getByRole('button', { name: 'Try again' })).toBeVisible();

  // A guest link, opened by someone who is not signed in.
  await page.goto(meetingUrl);
  await page.getByRole('button', { name: 'Create guest link' }).click();
  const linkField = page.locator('#guest-link');
  await expect(linkField).toBeVisible();
  const guestUrl = await linkField.inputValue();
  expect(guestUrl).toMatch(/\/meet\/[0-9a-f-]{36}\.[0-9a-f-]{36}\./);
  const token = decodeURIComponent(new URL(guestUrl).pathname.split('/').at(-1)!);
  const [tenantId, , linkId] = token.split('.') as [string, string, string];

  const guest = await (await browser.newContext()).newPage();
  await guest.goto(new URL(guestUrl).pathname);
  await expect(guest.getByRole('heading', { name: 'E2E customer call' })).toBeVisible();
  await expect(guest.getByTestId('prejoin').locator('video')).toBeVisible({ timeout: 15_000 });
  await guest.getByPlaceholder('Your name').fill('Grace Guest');
  await guest.getByRole('button', { name: 'Join meeting' }).click();
  await expect(guest.getByTestId('meeting-state')).toHaveAttribute('data-state', 'unreachable', { timeout: 45_000 });

  // The same link, signed with an expiry in the past: refused.
  const expired = signGuestLink(deriveGuestLinkKey(E2E_AUTH_SECRET), { tenantId, meetingId, linkId, expiresAt: new Date(Date.now() - 60_000) });
  await guest.goto(`/meet/${expired}`);
  await expect(guest.getByTestId('guest-link-refused')).toContainText('expired');
  // And the guest API refuses it too.
  const refused = await request.post('/api/meetings/guest-token', { data: { link: expired, name: 'Eve' } });
  expect(refused.status()).toBe(410);

  // Turning the link off stops new joins with it.
  await page.getByRole('button', { name: 'Turn off link' }).click();
  await expect(page.getByRole('button', { name: 'Create guest link' })).toBeVisible();
  await guest.goto(new URL(guestUrl).pathname);
  await expect(guest.getByTestId('guest-link-refused')).toContainText('turned off');

  // LiveKit reports the meeting through signed webhooks: two people, the room closing.
  const room = { name: `m_${tenantId}_${meetingId}`, sid: 'RM_e2e' };
  const start = Math.floor(Date.now() / 1000) - 600;
  const ada = { sid: 'PA_e2e_ada', identity: 'member-ada', name: 'Ada Admin', joinedAt: start };
  const grace = { sid: 'PA_e2e_grace', identity: 'guest-grace', name: 'Grace Guest (guest)', joinedAt: start + 60 };
  const events = [
    webhookEvent({ id: 'EV_e2e_1', event: 'room_started', room, at: start }),
    webhookEvent({ id: 'EV_e2e_2', event: 'participant_joined', room, at: start, participant: ada }),
    webhookEvent({ id: 'EV_e2e_3', event: 'participant_joined', room, at: start + 60, participant: grace }),
    // 4 min 10 s -> 5 minutes; 7 min 30 s -> 8 minutes.
    webhookEvent({ id: 'EV_e2e_4', event: 'participant_left', room, at: start + 60 + 250, participant: grace }),
    webhookEvent({ id: 'EV_e2e_5', event: 'participant_left', room, at: start + 450, participant: ada }),
    webhookEvent({ id: 'EV_e2e_6', event: 'room_finished', room, at: start + 460 }),
  ];
  for (const body of [...events, events[3]!]) {
    const response = await request.post('/api/livekit/webhook', {
      data: body,
      headers: { authorization: await signWebhookBody(body, LIVEKIT_TEST_KEY, LIVEKIT_TEST_SECRET), 'content-type': 'application/webhook+json' },
    });
    expect(response.status()).toBe(200);
  }
  const forged = await request.post('/api/livekit/webhook', { data: events[1], headers: { authorization: await signWebhookBody(events[1]!, LIVEKIT_TEST_KEY, 'not-the-secret-not-the-secret-not-the-secret') } });
  expect(forged.status()).toBe(401);

  await page.reload();
  await expect(page.getByRole('heading', { name: /E2E customer call/ })).toContainText('Ended');
  const participants = page.getByTestId('participants');
  await expect(participants).toContainText('Ada Admin');
  await expect(participants).toContainText('Grace Guest (guest)');
  await expect(participants.locator('tbody tr')).toHaveCount(2);
  await expect(participants.locator('tbody tr').filter({ hasText: 'Grace Guest' })).toContainText('5');
  await expect(participants.locator('tbody tr').filter({ hasText: 'Ada Admin' })).toContainText('8');
  await expect(page.getByTestId('meeting-minutes')).toHaveText('13');
  await expect(page.getByTestId('meeting-duration')).toHaveText('8 min');
  // 13 participant-minutes at $0.0005.
  await expect(page.getByTestId('meeting-costs')).toContainText('Meetings (LiveKit)');
  await expect(page.getByTestId('meeting-costs')).toContainText('$0.0065');
  await expect(page.getByRole('link', { name: 'Join meeting' })).toHaveCount(0);

  // A member sees the meeting and can join meetings, but cannot manage them.
  const member = await signedInPage(browser, 'sam@acme.com');
  await member.goto('/dashboard/meetings');
  await expect(member.getByRole('button', { name: 'Create meeting' })).toHaveCount(0);
  await expect(member.getByTestId('meeting-row').filter({ hasText: 'E2E customer call' })).toBeVisible();
});
