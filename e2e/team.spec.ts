import { expect, test } from '@playwright/test';
import { linkIn, mailsTo, signedInPage } from './helpers';

test('an invited teammate joins from another browser, and loses access when removed', async ({ browser }) => {
  const owner = await signedInPage(browser, 'admin@acme.com');
  const email = `newbie-${Date.now()}@example.com`;

  await owner.getByRole('link', { name: 'Team', exact: true }).click();
  await owner.getByLabel('Email').fill(email);
  await owner.getByLabel('Role', { exact: true }).selectOption('member');
  await owner.getByRole('button', { name: 'Send invitation' }).click();
  await expect(owner.getByText(`Invitation emailed to ${email}`)).toBeVisible();
  // An emailed link is never shown to the inviter: holding it is what proves the mailbox.
  await expect(owner.getByLabel('Invitation link')).toHaveCount(0);
  await expect(owner.getByRole('list', { name: 'Pending invitations' })).toContainText(email);
  const [mail] = await mailsTo(email);
  const link = linkIn(mail!, /^\/invite\/[A-Za-z0-9]{32}$/);

  const inviteeContext = await browser.newContext();
  const invitee = await inviteeContext.newPage();
  await invitee.goto(link);
  await expect(invitee.getByRole('heading', { name: 'Join Acme Corporation' })).toBeVisible();
  await invitee.getByLabel('Your name').fill('Nia Newbie');
  await invitee.getByLabel('Password').fill('a-long-enough-password');
  await invitee.getByRole('button', { name: 'Create account and join' }).click();
  await expect(invitee).toHaveURL(/\/dashboard$/);
  await expect(invitee.getByTestId('workspace-name')).toHaveText('Acme Corporation');

  // Members are read-only: no invitation form, no role controls.
  await invitee.getByRole('link', { name: 'Team', exact: true }).click();
  await expect(invitee.getByRole('heading', { name: 'Invite a teammate' })).toHaveCount(0);
  await expect(invitee.getByRole('button', { name: 'Change role' })).toHaveCount(0);

  await owner.reload();
  const row = owner.getByTestId('member-row').filter({ hasText: email });
  await expect(row).toBeVisible();
  owner.once('dialog', (dialog) => dialog.accept());
  await row.getByRole('button', { name: 'Remove' }).click();
  await expect(owner.getByTestId('member-row').filter({ hasText: email })).toHaveCount(0);

  // The removed member's very next request is refused.
  await invitee.goto('/dashboard');
  await expect(invitee).toHaveURL(/\/no-access$/);
  await expect(invitee.getByRole('heading', { name: 'You no longer have access to this workspace' })).toBeVisible();
});

test('sign out everywhere ends the session in every browser', async ({ browser }) => {
  const laptop = await signedInPage(browser, 'priya@acme.com');
  const phone = await signedInPage(browser, 'priya@acme.com');
  await laptop.locator('summary', { hasText: 'Account menu' }).click();
  await laptop.getByRole('button', { name: 'Sign out everywhere' }).click();
  await expect(laptop).toHaveURL(/\/sign-in/);
  await phone.goto('/dashboard/settings');
  await expect(phone).toHaveURL(/\/sign-in/);
});
