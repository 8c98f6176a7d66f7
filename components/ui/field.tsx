import type { InputHTMLAttributes, SelectHTMLAttributes, TextareaHTMLAttributes } from 'react';

const control =
  'block rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm placeholder:text-slate-400 focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/30 aria-[invalid=true]:border-red-500 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100';

// `name` doubles as the control's id; pass `id` when two forms on a page share a field name.
type FieldProps = { label: string; name: string; id?: string; errors?: string[]; hint?: string; children: React.ReactNode };

/** A labelled form control with its hint and field errors wired up for screen readers. */
export function Field({ label, name, id = name, errors, hint, children }: FieldProps) {
  return (
    <div className="flex flex-col gap-1.5">
      <label htmlFor={id} className="text-sm font-medium text-slate-800 dark:text-slate-200">
        {label}
      </label>
      {children}
      {hint && !errors?.length && (
        <p id={`${id}-hint`} className="text-xs text-slate-500 dark:text-slate-400">
          {hint}
        </p>
      )}
      {errors?.map((error) => (
        <p key={error} id={`${id}-error`} className="text-xs text-red-600 dark:text-red-400" role="alert">
          {error}
        </p>
      ))}
    </div>
  );
}

function describedBy(id: string, errors?: string[], hasHint?: boolean) {
  if (errors?.length) return `${id}-error`;
  return hasHint ? `${id}-hint` : undefined;
}

export function TextInput({
  name,
  id = name,
  errors,
  hasHint,
  className = '',
  ...props
}: InputHTMLAttributes<HTMLInputElement> & { name: string; errors?: string[]; hasHint?: boolean }) {
  return (
    <input
      id={id}
      name={name}
      aria-invalid={errors?.length ? true : undefined}
      aria-describedby={describedBy(id, errors, hasHint)}
      className={`${control} w-full ${className}`}
      {...props}
    />
  );
}

export function TextArea({
  name,
  errors,
  hasHint,
  className = '',
  ...props
}: TextareaHTMLAttributes<HTMLTextAreaElement> & { name: string; errors?: string[]; hasHint?: boolean }) {
  return (
    <textarea
      id={name}
      name={name}
      aria-invalid={errors?.length ? true : undefined}
      aria-describedby={describedBy(name, errors, hasHint)}
      className={`${control} w-full ${className}`}
      {...props}
    />
  );
}

export function Select({
  name,
  errors,
  className = 'w-full',
  children,
  ...props
}: SelectHTMLAttributes<HTMLSelectElement> & { name: string; errors?: string[] }) {
  return (
    <select
      id={props.id ?? name}
      name={name}
      aria-invalid={errors?.length ? true : undefined}
      className={`${control} ${className}`}
      {...props}
    >
      {children}
    </select>
  );
}
