import { describe, expect, it } from 'vitest';
import type { Message } from '@/db/schema';
import { isGroundedAnswer } from '@/lib/handoff/grounding';
import { isWithinOfficeHours, localTime } from '@/lib/handoff/office-hours';
import { asksForPerson } from '@/lib/handoff/phrases';

const WEEKDAYS_9_TO_5 = [...Array(5).fill({ open: '09:00', close: '17:00' }), null, null];

describe('office hours', () => {
  it('reads the local weekday and time in the workspace time zone', () => {
    // Monday 2026-03-02 07:30 UTC is Monday 08:30 in Berlin and Sunday 23:30 in Los Angeles.
    const at = new Date('2026-03-02T07:30:00Z');
    expect(localTime(at, 'Europe/Berlin')).toEqual({ weekday: 0, minutes: 8 * 60 + 30 });
    expect(localTime(at, 'America/Los_Angeles')).toEqual({ weekday: 6, minutes: 23 * 60 + 30 });
  });

  it('is open within the hours of the local day only', () => {
    const berlin = { officeHoursEnabled: true, timeZone: 'Europe/Berlin', weeklyHours: WEEKDAYS_9_TO_5 };
    expect(isWithinOfficeHours(berlin, new Date('2026-03-02T07:30:00Z'))).toBe(false); // 08:30 local
    expect(isWithinOfficeHours(berlin, new Date('2026-03-02T08:00:00Z'))).toBe(true); // 09:00 local
    expect(isWithinOfficeHours(berlin, new Date('2026-03-02T16:00:00Z'))).toBe(false); // 17:00 local, closed
    expect(isWithinOfficeHours(berlin, new Date('2026-03-07T10:00:00Z'))).toBe(false); // Saturday
    // The same instant is within New York's hours on the same schedule.
    expect(isWithinOfficeHours({ ...berlin, timeZone: 'America/New_York' }, new Date('2026-03-02T16:00:00Z'))).toBe(true); // 11:00 local
  });

  it('follows daylight saving time', () => {
    const berlin = { officeHoursEnabled: true, timeZone: 'Europe/Berlin', weeklyHours: WEEKDAYS_9_TO_5 };
    // 07:30 UTC is 08:30 in winter (closed) and 09:30 in summer (open).
    expect(isWithinOfficeHours(berlin, new Date('2026-03-27T07:30:00Z'))).toBe(false);
    expect(isWithinOfficeHours(berlin, new Date('2026-03-30T07:30:00Z'))).toBe(true);
  });

  it('runs hours past midnight into the next day, and is always open without office hours', () => {
    const night = { officeHoursEnabled: true, timeZone: 'UTC', weeklyHours: [{ open: '22:00', close: '02:00' }, null, null, null, null, null, null] };
    expect(isWithinOfficeHours(night, new Date('2026-03-02T23:00:00Z'))).toBe(true); // Monday 23:00
    expect(isWithinOfficeHours(night, new Date('2026-03-03T01:30:00Z'))).toBe(true); // Tuesday 01:30, Monday's shift
    expect(isWithinOfficeHours(night, new Date('2026-03-03T02:30:00Z'))).toBe(false);
    expect(isWithinOfficeHours({ ...night, officeHoursEnabled: false }, new Date('2026-03-04T12:00:00Z'))).toBe(true);
  });
});

describe('asking for a person in words', () => {
  it.each([
    'talk to a human',
    'Can I speak with someone from your team?',
    'I want a real person',
    'connect me to an agent please',
    'human please',
    'Agent!',
    'Let me talk to a person',
    'live chat',
    "I'd like to speak to a representative",
    'this is useless, not a bot, a real human',
  ])('recognises "%s"', (text) => expect(asksForPerson(text)).toBe(true));

  it.each([
    'Is the human resources module included in the plan?',
    'How many people can I invite to my team?',
    'Does the agent software run on Linux?',
    'Can I talk to the API from Python?',
    'How do I pause alerts during maintenance?',
  ])('does not take "%s" as a request', (text) => expect(asksForPerson(text)).toBe(false));
});

describe('grounded answers', () => {
  const answer = (fields: Partial<Message>) =>
    ({ status: 'complete', content: 'Returns are free within 30 days [1].', sources: [{ index: 1 }], metadata: { answerMode: 'model' }, ...fields }) as Message;
  it('needs a finished answer with passages, citing them when a model wrote it', () => {
    expect(isGroundedAnswer(answer({}))).toBe(true);
    expect(isGroundedAnswer(answer({ content: 'I do not know from the information available.' }))).toBe(false);
    expect(isGroundedAnswer(answer({ sources: [] }))).toBe(false);
    expect(isGroundedAnswer(answer({ status: 'failed' }))).toBe(false);
    expect(isGroundedAnswer(answer({ content: 'Quoted passages', metadata: { answerMode: 'retrieval-only' } }))).toBe(true);
  });
});
