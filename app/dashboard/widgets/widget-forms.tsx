'use client';

import { useActionState, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Field, Select, TextArea, TextInput } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import { idleState } from '@/lib/actions/state';
import { DEFAULT_VISITOR_DAILY_SPEND_USD, DEFAULT_WIDGET_DAILY_SPEND_USD } from '@/lib/costs/fields';
import { MEDIA_LIMIT_DEFAULTS, OPENAI_VOICES } from '@/lib/widget/media/settings';
import { createWidgetAction, updateWidgetAction } from './actions';

export function CreateWidgetForm() {
  const [state, formAction] = useActionState(createWidgetAction, idleState);
  return (
    <form action={formAction} className="flex flex-col gap-3" noValidate>
      <div className="grid gap-3 sm:grid-cols-[1fr_auto] sm:items-start">
        <Field label="Widget name" name="name" id="new-widget-name" errors={state.fieldErrors?.name}>
          <TextInput name="name" id="new-widget-name" placeholder="Help center" maxLength={80} defaultValue={state.values?.name} errors={state.fieldErrors?.name} />
        </Field>
        <div className="sm:pt-7">
          <SubmitButton pendingLabel="Creating…">Create widget</SubmitButton>
        </div>
      </div>
      <FormMessage state={state} />
    </form>
  );
}

export function CopySnippet({ snippet }: { snippet: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="flex flex-col gap-2">
      <label htmlFor="embed-snippet" className="sr-only">Embed snippet</label>
      <textarea
        id="embed-snippet"
        readOnly
        rows={2}
        value={snippet}
        onFocus={(event) => event.currentTarget.select()}
        className="w-full rounded-md border border-slate-300 bg-slate-50 px-3 py-2 font-mono text-xs dark:border-slate-700 dark:bg-slate-950"
      />
      <div className="flex items-center gap-3">
        <Button
          variant="secondary"
          onClick={async () => {
            await navigator.clipboard.writeText(snippet);
            setCopied(true);
          }}
        >
          Copy snippet
        </Button>
        <span aria-live="polite" className="text-sm text-emerald-700 dark:text-emerald-400">{copied ? 'Copied.' : ''}</span>
      </div>
    </div>
  );
}

type WidgetFields = {
  id: string;
  name: string;
  allowedOrigins: string;
  theme: 'light' | 'dark' | 'auto';
  position: 'bottom-right' | 'bottom-left';
  greeting: string;
  contactEmail: string;
  primaryColor: string;
  secondaryColor: string;
  personalityId: string;
  starterQuestions: string;
  dailySpendCapUsd: string;
  visitorDailySpendCapUsd: string;
  identityMode: 'anonymous' | 'mixed' | 'verified';
  /** Checkboxes: 'on' or ''. */
  voiceInput: string;
  voiceReplies: string;
  voice: string;
  imageAttachments: string;
  voiceClipsPerSession: string;
  voiceSecondsPerDay: string;
  imagesPerSession: string;
};

/** Which services this deployment has for voice and images (a setting without its service does nothing). */
export type MediaServices = { speechToText: boolean; textToSpeech: boolean; vision: boolean };

/** The widget's settings with a live preview that follows every keystroke. */
export function WidgetEditor({
  widget,
  personalities,
  workspaceDomains,
  readOnly,
  mediaServices,
}: {
  mediaServices: MediaServices;
  widget: WidgetFields;
  personalities: Array<{ id: string; name: string; isDefault: boolean }>;
  workspaceDomains: string[];
  readOnly: boolean;
}) {
  const [state, formAction] = useActionState(updateWidgetAction, idleState);
  const [fields, setFields] = useState(widget);
  const errors = state.fieldErrors ?? {};
  const bind = (name: keyof WidgetFields) => ({
    name,
    value: fields[name],
    onChange: (event: { target: { value: string } }) => setFields((current) => ({ ...current, [name]: event.target.value })),
  });

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_360px]">
      <Card title="Settings">
        <form action={formAction} className="flex flex-col gap-4" noValidate>
          <input type="hidden" name="widgetId" value={widget.id} />
          <fieldset disabled={readOnly} className="flex flex-col gap-4">
            <Field label="Name" name="name" errors={errors.name}>
              <TextInput {...bind('name')} maxLength={80} errors={errors.name} />
            </Field>
            <Field
              label="Allowed origins"
              name="allowedOrigins"
              errors={errors.allowedOrigins}
              hint={`One per line: https://example.com, or https://*.example.com for every subdomain. Empty: the workspace’s allowed domains (${workspaceDomains.join(', ') || 'none yet'}).`}
            >
              <TextArea {...bind('allowedOrigins')} rows={3} className="font-mono" errors={errors.allowedOrigins} hasHint />
            </Field>
            <div className="grid gap-4 sm:grid-cols-2">
              <Field label="Theme" name="theme" errors={errors.theme}>
                <Select {...bind('theme')} errors={errors.theme}>
                  <option value="auto">Auto (follows the visitor’s system)</option>
                  <option value="light">Light</option>
                  <option value="dark">Dark</option>
                </Select>
              </Field>
              <Field label="Position" name="position" errors={errors.position}>
                <Select {...bind('position')} errors={errors.position}>
                  <option value="bottom-right">Bottom right</option>
                  <option value="bottom-left">Bottom left</option>
                </Select>
              </Field>
              <Field label="Primary colour" name="primaryColor" errors={errors.primaryColor}>
                <TextInput {...bind('primaryColor')} type="color" className="h-10 p-1" errors={errors.primaryColor} />
              </Field>
              <Field label="Secondary colour (text on primary)" name="secondaryColor" errors={errors.secondaryColor}>
                <TextInput {...bind('secondaryColor')} type="color" className="h-10 p-1" errors={errors.secondaryColor} />
              </Field>
            </div>
            <Field label="Personality" name="personalityId" errors={errors.personalityId}>
              <Select {...bind('personalityId')} errors={errors.personalityId}>
                <option value="">The workspace’s default personality</option>
                {personalities.map((personality) => (
                  <option key={personality.id} value={personality.id}>
                    {personality.name}
                    {personality.isDefault ? ' (default)' : ''}
                  </option>
                ))}
              </Select>
            </Field>
            <Field
              label="Visitor identity"
              name="identityMode"
              errors={errors.identityMode}
              hint="Signed-in users: your server signs a token with a key from Settings → Visitor signing keys, and the page passes it to the widget (see the README)."
            >
              <Select {...bind('identityMode')} errors={errors.identityMode}>
                <option value="mixed">Mixed: verified when the page gives a token, anonymous otherwise</option>
                <option value="verified">Verified only: every conversation needs a valid token</option>
                <option value="anonymous">Anonymous only: tokens are ignored</option>
              </Select>
            </Field>
            <Field label="Greeting" name="greeting" errors={errors.greeting} hint="The first message visitors see.">
              <TextArea {...bind('greeting')} rows={2} maxLength={300} errors={errors.greeting} hasHint />
            </Field>
            <Field label="Contact email" name="contactEmail" errors={errors.contactEmail} hint="Offered to visitors when the assistant has no answer.">
              <TextInput {...bind('contactEmail')} type="email" maxLength={254} errors={errors.contactEmail} hasHint />
            </Field>
            <Field label="Suggested questions" name="starterQuestions" errors={errors.starterQuestions} hint="Up to four, one per line; shown until the visitor asks something.">
              <TextArea {...bind('starterQuestions')} rows={4} errors={errors.starterQuestions} hasHint />
            </Field>
            <div className="grid gap-4 sm:grid-cols-2">
              <Field
                label="Spend per day (USD)"
                name="dailySpendCapUsd"
                errors={errors.dailySpendCapUsd}
                hint={`This widget’s model spend per UTC day, whoever chats. Empty: $${DEFAULT_WIDGET_DAILY_SPEND_USD}.`}
              >
                <TextInput {...bind('dailySpendCapUsd')} inputMode="decimal" placeholder={DEFAULT_WIDGET_DAILY_SPEND_USD} errors={errors.dailySpendCapUsd} hasHint />
              </Field>
              <Field
                label="Spend per visitor per day (USD)"
                name="visitorDailySpendCapUsd"
                errors={errors.visitorDailySpendCapUsd}
                hint={`One conversation’s model spend per UTC day. Empty: $${DEFAULT_VISITOR_DAILY_SPEND_USD}.`}
              >
                <TextInput {...bind('visitorDailySpendCapUsd')} inputMode="decimal" placeholder={DEFAULT_VISITOR_DAILY_SPEND_USD} errors={errors.visitorDailySpendCapUsd} hasHint />
              </Field>
            </div>
            <fieldset className="flex flex-col gap-3 rounded-md border border-slate-200 p-3 dark:border-slate-800">
              <legend className="px-1 text-sm font-medium">Voice and images</legend>
              <Toggle name="voiceInput" checked={fields.voiceInput === 'on'} onChange={(on) => setFields((current) => ({ ...current, voiceInput: on ? 'on' : '' }))}
                label="Voice messages: visitors hold the microphone button and speak"
                note={mediaServices.speechToText ? undefined : 'No speech-to-text service is configured on this deployment (STT_* or OPENAI_API_KEY): the button stays hidden.'} />
              <Toggle name="voiceReplies" checked={fields.voiceReplies === 'on'} onChange={(on) => setFields((current) => ({ ...current, voiceReplies: on ? 'on' : '' }))}
                label="Spoken answers: answers to voice messages are read aloud as they stream"
                note={mediaServices.textToSpeech ? undefined : 'No text-to-speech service is configured on this deployment (TTS_* or OPENAI_API_KEY).'} />
              <Field label="Voice" name="voice" errors={errors.voice} hint="A voice of your speech service (OpenAI: alloy, nova, shimmer…; ElevenLabs: a voice id). Empty: the deployment’s default.">
                <TextInput {...bind('voice')} list="widget-voices" maxLength={64} placeholder="Default voice" errors={errors.voice} hasHint />
              </Field>
              <datalist id="widget-voices">{OPENAI_VOICES.map((voice) => <option key={voice} value={voice} />)}</datalist>
              <Toggle name="imageAttachments" checked={fields.imageAttachments === 'on'} onChange={(on) => setFields((current) => ({ ...current, imageAttachments: on ? 'on' : '' }))}
                label="Images: visitors attach a screenshot or photo (PNG, JPEG, WebP; 5 MB) and the assistant looks at it"
                note={mediaServices.vision ? undefined : 'No vision-capable model is configured on this deployment (VISION_MODEL or an OpenAI / Anthropic key).'} />
              <div className="grid gap-4 sm:grid-cols-3">
                <Field label="Voice messages per conversation" name="voiceClipsPerSession" errors={errors.voiceClipsPerSession}>
                  <TextInput {...bind('voiceClipsPerSession')} inputMode="numeric" placeholder={String(MEDIA_LIMIT_DEFAULTS.voiceClipsPerSession)} errors={errors.voiceClipsPerSession} />
                </Field>
                <Field label="Voice seconds per conversation per day" name="voiceSecondsPerDay" errors={errors.voiceSecondsPerDay}>
                  <TextInput {...bind('voiceSecondsPerDay')} inputMode="numeric" placeholder={String(MEDIA_LIMIT_DEFAULTS.voiceSecondsPerDay)} errors={errors.voiceSecondsPerDay} />
                </Field>
                <Field label="Images per conversation" name="imagesPerSession" errors={errors.imagesPerSession}>
                  <TextInput {...bind('imagesPerSession')} inputMode="numeric" placeholder={String(MEDIA_LIMIT_DEFAULTS.imagesPerSession)} errors={errors.imagesPerSession} />
                </Field>
              </div>
              <p className="text-xs text-slate-500">Every second of speech, every spoken answer and every image is billed and counts against the spend limits above and the workspace’s monthly cap.</p>
            </fieldset>
          </fieldset>
          <FormMessage state={state} />
          {!readOnly && (
            <div>
              <SubmitButton>Save widget</SubmitButton>
            </div>
          )}
        </form>
      </Card>
      <Card title="Preview" className="lg:sticky lg:top-6 lg:self-start">
        <WidgetPreview fields={fields} />
      </Card>
    </div>
  );
}

function Toggle({ name, checked, onChange, label, note }: { name: string; checked: boolean; onChange: (on: boolean) => void; label: string; note?: string }) {
  return (
    <div>
      <label className="flex items-start gap-2 text-sm">
        <input type="checkbox" name={name} checked={checked} onChange={(event) => onChange(event.target.checked)} className="mt-0.5" />
        <span>{label}</span>
      </label>
      {note && checked && <p className="mt-1 ml-6 text-xs text-amber-700 dark:text-amber-400">{note}</p>}
    </div>
  );
}

function WidgetPreview({ fields }: { fields: WidgetFields }) {
  const questions = fields.starterQuestions.split('\n').map((line) => line.trim()).filter(Boolean).slice(0, 4);
  // Auto follows the dashboard's own colour scheme, as it would the visitor's.
  const palette = {
    light: 'bg-white text-slate-900 border-slate-200',
    dark: 'bg-slate-900 text-slate-100 border-slate-700',
    auto: 'bg-white text-slate-900 border-slate-200 dark:bg-slate-900 dark:text-slate-100 dark:border-slate-700',
  }[fields.theme];
  const bubble = { light: 'bg-slate-100', dark: 'bg-slate-800', auto: 'bg-slate-100 dark:bg-slate-800' }[fields.theme];
  const side = fields.position === 'bottom-left' ? 'items-start' : 'items-end';
  return (
    <div className={`flex flex-col gap-3 ${side}`} data-testid="widget-preview" aria-label="Preview of the chat widget" role="img">
      <div className={`flex h-80 w-full flex-col overflow-hidden rounded-xl border shadow-md ${palette}`}>
        <div className="px-4 py-2.5 text-sm font-semibold" style={{ background: fields.primaryColor, color: fields.secondaryColor }}>
          {fields.name || 'Chat'}
        </div>
        <div className="flex flex-1 flex-col gap-2 p-3 text-sm">
          {fields.greeting && <p className={`max-w-[85%] rounded-xl px-3 py-2 ${bubble}`}>{fields.greeting}</p>}
          <div className="mt-auto flex flex-wrap gap-1.5">
            {questions.map((question) => (
              <span key={question} className="rounded-full border px-2.5 py-1 text-xs" style={{ borderColor: fields.primaryColor }}>
                {question}
              </span>
            ))}
          </div>
        </div>
        <div className="flex gap-2 border-t border-inherit p-2">
          <span className="flex-1 rounded-lg border border-inherit px-3 py-2 text-xs opacity-60">Ask a question…</span>
          <span className="w-9 rounded-lg" style={{ background: fields.primaryColor }} />
        </div>
      </div>
      <span className="flex h-12 w-12 items-center justify-center rounded-full shadow-lg" style={{ background: fields.primaryColor, color: fields.secondaryColor }}>
        <svg viewBox="0 0 24 24" width="22" height="22" fill="currentColor" aria-hidden="true">
          <path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z" />
        </svg>
      </span>
    </div>
  );
}
