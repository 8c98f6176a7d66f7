'use client';

import { useActionState } from 'react';
import { Field, Select, TextInput } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { SupportSettingsValues } from '@/db/queries/handoffs';
import { idleState } from '@/lib/actions/state';
import { WEEKDAYS } from '@/lib/handoff/office-hours';
import { updateSupportSettingsAction } from '../actions';

export function SupportSettingsForm({ settings, timeZones, readOnly }: { settings: SupportSettingsValues; timeZones: string[]; readOnly: boolean }) {
  const [state, formAction] = useActionState(updateSupportSettingsAction, idleState);
  const errors = state.fieldErrors ?? {};
  const zones = timeZones.includes(settings.timeZone) ? timeZones : [settings.timeZone, ...timeZones];
  return (
    <form action={formAction} className="flex flex-col gap-5" noValidate>
      <fieldset disabled={readOnly} className="flex flex-col gap-5">
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="handoffEnabled" defaultChecked={settings.handoffEnabled} />
          Visitors can ask for a person (a button in the chat, and phrases like “talk to a human”)
        </label>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Time zone" name="timeZone" errors={errors.timeZone}>
            <Select name="timeZone" defaultValue={settings.timeZone} errors={errors.timeZone}>
              {zones.map((zone) => (
                <option key={zone} value={zone}>{zone}</option>
              ))}
            </Select>
          </Field>
          <Field label="Minutes before asking for an email" name="pickupTimeoutMinutes" errors={errors.pickupTimeoutMinutes} hint="When nobody takes a waiting conversation within this time, the chat asks the visitor for an email.">
            <TextInput name="pickupTimeoutMinutes" type="number" min={1} max={1440} defaultValue={settings.pickupTimeoutMinutes} errors={errors.pickupTimeoutMinutes} hasHint />
          </Field>
        </div>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="officeHoursEnabled" defaultChecked={settings.officeHoursEnabled} />
          Use office hours (outside them, visitors who ask for a person are asked for an email at once)
        </label>
        <table className="w-full max-w-xl text-left text-sm">
          <caption className="sr-only">Office hours</caption>
          <thead className="text-xs text-slate-500 uppercase">
            <tr>
              <th scope="col" className="py-1 pr-4">Day</th>
              <th scope="col" className="py-1 pr-4">Open</th>
              <th scope="col" className="py-1 pr-4">From</th>
              <th scope="col" className="py-1">To</th>
            </tr>
          </thead>
          <tbody>
            {WEEKDAYS.map((day, index) => {
              const hours = settings.weeklyHours[index];
              const dayErrors = [...(errors[`from${index}`] ?? []), ...(errors[`to${index}`] ?? [])];
              return (
                <tr key={day}>
                  <th scope="row" className="py-1 pr-4 font-medium">{day}</th>
                  <td className="py-1 pr-4">
                    <input type="checkbox" name={`open${index}`} aria-label={`Open on ${day}`} defaultChecked={!!hours} />
                  </td>
                  <td className="py-1 pr-4">
                    <input type="time" name={`from${index}`} aria-label={`${day} opens at`} defaultValue={hours?.open ?? '09:00'} className="rounded border border-slate-300 px-2 py-1 dark:border-slate-700 dark:bg-slate-900" />
                  </td>
                  <td className="py-1">
                    <input type="time" name={`to${index}`} aria-label={`${day} closes at`} defaultValue={hours?.close ?? '17:00'} className="rounded border border-slate-300 px-2 py-1 dark:border-slate-700 dark:bg-slate-900" />
                    {dayErrors.map((error) => (
                      <p key={error} role="alert" className="text-xs text-red-600">{error}</p>
                    ))}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <p className="text-xs text-slate-500">A closing time earlier than the opening time runs past midnight.</p>
      </fieldset>
      <FormMessage state={state} />
      {!readOnly && (
        <div>
          <SubmitButton>Save handoff settings</SubmitButton>
        </div>
      )}
    </form>
  );
}
