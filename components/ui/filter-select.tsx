/** A compact labelled select for filter bars (the label is for screen readers). */
export function FilterSelect({
  id,
  name,
  label,
  anyLabel,
  options,
  value,
  className = '',
}: {
  id: string;
  name: string;
  label: string;
  anyLabel: string;
  options: readonly string[];
  value?: string;
  className?: string;
}) {
  return (
    <>
      <label className="sr-only" htmlFor={id}>
        {label}
      </label>
      <select
        id={id}
        name={name}
        defaultValue={value ?? ''}
        className={`rounded-md border border-slate-300 bg-white px-2 py-2 text-sm dark:border-slate-700 dark:bg-slate-900 ${className}`}
      >
        <option value="">{anyLabel}</option>
        {options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </>
  );
}
