import { describe, expect, it } from 'vitest';
import { signWidgetSession, verifyWidgetSession, WIDGET_SESSION_LIFETIME_SECONDS, WIDGET_SESSION_RENEW_AFTER_SECONDS } from '@/lib/widget/session-token';

const WIDGET = '0cd003fc-1001-5301-a0be-4958aecabeec';
const OTHER_WIDGET = '1cd003fc-1001-5301-a0be-4958aecabeec';
const SESSION = 'a6b1f0c2-3d4e-4f50-8a1b-2c3d4e5f6a7b';
const DAY = 24 * 3600;
const issuedAt = 1_900_000_000;

describe('widget session tokens', () => {
  const token = signWidgetSession(WIDGET, SESSION, issuedAt);

  it('are accepted for their widget within their lifetime', () => {
    expect(verifyWidgetSession(WIDGET, token, issuedAt + 60)).toEqual({ sessionId: SESSION, issuedAtSeconds: issuedAt, renewed: undefined });
  });

  it('are renewed once they are a day old, and the new one is good for the full lifetime again', () => {
    const verified = verifyWidgetSession(WIDGET, token, issuedAt + WIDGET_SESSION_RENEW_AFTER_SECONDS + 1)!;
    expect(verified.sessionId).toBe(SESSION);
    expect(verified.renewed).toBeDefined();
    const later = issuedAt + WIDGET_SESSION_RENEW_AFTER_SECONDS + 1 + WIDGET_SESSION_LIFETIME_SECONDS - 10;
    expect(verifyWidgetSession(WIDGET, token, later)).toBeNull();
    expect(verifyWidgetSession(WIDGET, verified.renewed, later)?.sessionId).toBe(SESSION);
  });

  it('expire after their lifetime', () => {
    expect(verifyWidgetSession(WIDGET, token, issuedAt + 30 * DAY)?.sessionId).toBe(SESSION);
    expect(verifyWidgetSession(WIDGET, token, issuedAt + 30 * DAY + 1)).toBeNull();
  });

  it('refuse a token issued in the future, another widget, a changed date and the old unexpiring format', () => {
    expect(verifyWidgetSession(WIDGET, token, issuedAt - 3600)).toBeNull();
    expect(verifyWidgetSession(OTHER_WIDGET, token, issuedAt)).toBeNull();
    const [id, , signature] = token.split('.');
    // Moving the issue date forward to stretch the lifetime breaks the signature.
    expect(verifyWidgetSession(WIDGET, `${id}.${(issuedAt + 20 * DAY).toString(36)}.${signature}`, issuedAt + 40 * DAY)).toBeNull();
    expect(verifyWidgetSession(WIDGET, `${id}.${signature}`, issuedAt)).toBeNull();
    expect(verifyWidgetSession(WIDGET, undefined)).toBeNull();
    expect(verifyWidgetSession(WIDGET, 'x'.repeat(5000))).toBeNull();
  });
});
