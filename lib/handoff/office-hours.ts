import type { WeeklyHours } from '@/db/schema';

// Office hours are kept per weekday (Monday first) as local HH:MM in the workspace's IANA time
// zone; a day whose closing time is not after its opening time runs past midnight. Local time
// comes from Intl, so daylight-saving changes need nothing special.

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
export const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;

const SHORT_WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/** Weekday (0 = Monday) and minutes since midnight at `at` in `timeZone`. */
export function localTime(at: Date, timeZone: string): { weekday: number; minutes: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { weekday: SHORT_WEEKDAYS.indexOf(part('weekday')), minutes: Number(part('hour')) * 60 + Number(part('minute')) };
}

export type OfficeHours = { officeHoursEnabled: boolean; timeZone: string; weeklyHours: WeeklyHours };

/** Whether the team is at work at `at`; without office hours it always is. */
export function isWithinOfficeHours(hours: OfficeHours, at: Date): boolean {
  if (!hours.officeHoursEnabled) return true;
  const { weekday, minutes } = localTime(at, hours.timeZone);
  const today = hours.weeklyHours[weekday];
  if (today) {
    const open = minutesOf(today.open);
    const close = minutesOf(today.close);
    if (close > open ? minutes >= open && minutes < close : minutes >= open) return true;
  }
  // Yesterday's hours may run past midnight into today.
  const yesterday = hours.weeklyHours[(weekday + 6) % 7];
  return !!yesterday && minutesOf(yesterday.close) <= minutesOf(yesterday.open) && minutes < minutesOf(yesterday.close);
}
