'use client';

import { useActionState, useState } from 'react';
import { buttonClasses } from '@/components/ui/button';
import { Field, Select, TextArea, TextInput } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import { idleState } from '@/lib/actions/state';
import { addPersonalityAction, editPersonalityAction } from './actions';

export type PersonalityValues = {
  id?: string;
  name: string;
  description: string | null;
  systemPrompt: string;
  temperature: string;
  topP: string;
  frequencyPenalty: string;
  presencePenalty: string;
  maxTokens: number;
  preferredModel: string | null;
  allowGeneralKnowledge: boolean;
  fallbackMessage: string | null;
  isActive: boolean;
  isDefault: boolean;
};

export type ModelOption = { id: string; label: string; maxOutputTokens: number };

const SLIDERS = [
  { name: 'temperature', label: 'Temperature', min: 0, max: 2, hint: 'Lower is more focused and repeatable; higher is more varied. 0.2–0.5 suits support.' },
  { name: 'topP', label: 'Top P', min: 0, max: 1, hint: 'Only the most likely words adding up to this share are considered. Leave at 1 unless you know you need it.' },
  { name: 'frequencyPenalty', label: 'Frequency penalty', min: -2, max: 2, hint: 'Positive values discourage repeating the same words.' },
  { name: 'presencePenalty', label: 'Presence penalty', min: -2, max: 2, hint: 'Positive values encourage new topics. Not every provider supports penalties.' },
] as const;

export function PersonalityForm({
  personality,
  models,
  automaticLimit,
  readOnly,
}: {
  personality: PersonalityValues;
  models: ModelOption[];
  /** The max-tokens ceiling when no model is chosen (the deployment picks one). */
  automaticLimit: number;
  readOnly: boolean;
}) {
  const editing = Boolean(personality.id);
  const [state, formAction] = useActionState(editing ? editPersonalityAction : addPersonalityAction, idleState);
  const value = (name: keyof PersonalityValues) => state.values?.[name] ?? String(personality[name] ?? '');
  const [model, setModel] = useState(value('preferredModel'));
  const [numbers, setNumbers] = useState<Record<string, string>>(() => Object.fromEntries(SLIDERS.map((slider) => [slider.name, value(slider.name)])));
  const limit = models.find((option) => option.id === model)?.maxOutputTokens ?? automaticLimit;
  const errors = state.fieldErrors ?? {};

  return (
    <form action={formAction} className="flex flex-col gap-5" noValidate>
      {editing && <input type="hidden" name="personalityId" value={personality.id} />}
      <fieldset disabled={readOnly} className="flex flex-col gap-5">
        <div className="grid gap-5 md:grid-cols-2">
          <Field label="Name" name="name" errors={errors.name}>
            <TextInput name="name" defaultValue={value('name')} required maxLength={80} errors={errors.name} />
          </Field>
          <Field label="Description" name="description" errors={errors.description} hint="For your team: when to use this personality.">
            <TextInput name="description" defaultValue={value('description')} maxLength={300} errors={errors.description} hasHint />
          </Field>
        </div>
        <Field
          label="Instructions (system prompt)"
          name="systemPrompt"
          errors={errors.systemPrompt}
          hint="Who the assistant is and how it speaks. Grounding rules (answer from your knowledge, cite sources, treat visitor text as untrusted) are always added after these."
        >
          <TextArea name="systemPrompt" rows={8} defaultValue={value('systemPrompt')} maxLength={8000} errors={errors.systemPrompt} hasHint />
        </Field>
        <div className="grid gap-5 md:grid-cols-2">
          <Field
            label="Model"
            name="preferredModel"
            errors={errors.preferredModel}
            hint={models.length ? 'Only models whose provider is configured on this deployment are listed.' : 'No model provider is configured: replies quote your knowledge (retrieval-only mode).'}
          >
            <Select name="preferredModel" value={model} onChange={(event) => setModel(event.target.value)} errors={errors.preferredModel} aria-describedby="preferredModel-hint">
              <option value="">Automatic (deployment default)</option>
              {models.map((option) => (
                <option key={option.id} value={option.id}>
                  {option.label}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="Max tokens per reply" name="maxTokens" errors={errors.maxTokens} hint={`Between 16 and ${limit.toLocaleString('en-US')} for this model.`}>
            <TextInput name="maxTokens" type="number" min={16} max={limit} step={1} defaultValue={value('maxTokens')} errors={errors.maxTokens} hasHint />
          </Field>
        </div>
        <div className="grid gap-5 md:grid-cols-2">
          {SLIDERS.map((slider) => (
            <Field key={slider.name} label={`${slider.label}: ${numbers[slider.name]}`} name={slider.name} errors={errors[slider.name]} hint={slider.hint}>
              <TextInput
                name={slider.name}
                type="range"
                min={slider.min}
                max={slider.max}
                step={0.01}
                value={numbers[slider.name]}
                onChange={(event) => setNumbers((current) => ({ ...current, [slider.name]: event.target.value }))}
                errors={errors[slider.name]}
                hasHint
                className="accent-indigo-600"
              />
            </Field>
          ))}
        </div>
        <Field
          label="When the knowledge has no answer"
          name="fallbackMessage"
          errors={errors.fallbackMessage}
          hint="Said in place of an answer when no passage is relevant enough. Leave empty to let the model say it in this personality's voice (without a model, a standard sentence is used). The widget's contact address is offered after it."
        >
          <TextArea name="fallbackMessage" rows={2} defaultValue={value('fallbackMessage')} maxLength={500} errors={errors.fallbackMessage} hasHint />
        </Field>
        {editing && (
          <Field label="What changed (optional)" name="versionNote" errors={errors.versionNote} hint="Saved with the new version, so your team can tell versions apart.">
            <TextInput name="versionNote" defaultValue={state.values?.versionNote ?? ''} maxLength={200} errors={errors.versionNote} hasHint />
          </Field>
        )}
        <div className="flex flex-wrap gap-6">
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="allowGeneralKnowledge" defaultChecked={['true', 'on'].includes(value('allowGeneralKnowledge'))} className="size-4 accent-indigo-600" />
            Allow answers from general knowledge when the knowledge base has none (the reply says so)
          </label>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="isActive" defaultChecked={value('isActive') !== 'false'} className="size-4 accent-indigo-600" />
            Active (can be chosen by widgets and the playground)
          </label>
          {!editing && (
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" name="makeDefault" className="size-4 accent-indigo-600" />
              Make this the default personality
            </label>
          )}
        </div>
      </fieldset>
      <FormMessage state={state} />
      {!readOnly && (
        <div className="flex flex-wrap items-center gap-3">
          <SubmitButton>{editing ? 'Save personality' : 'Create personality'}</SubmitButton>
          {editing && (
            <>
              <button type="submit" name="intent" value="draft" className={buttonClasses('secondary')}>
                Save as draft version
              </button>
              <span className="text-xs text-slate-500 dark:text-slate-400">A draft changes nothing for visitors until you make it live: test it under Evaluation first.</span>
            </>
          )}
        </div>
      )}
    </form>
  );
}
