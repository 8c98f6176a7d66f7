const STYLES = {
  widget: 'bg-indigo-50 text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300',
  playground: 'bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-200',
  api: 'bg-slate-200 text-slate-700 dark:bg-slate-800 dark:text-slate-300',
  meeting: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200',
} as const;

/** Where a conversation came from; playground tests are marked so they are not read as visitors. */
export function SourceBadge({ source, widgetName, mode }: { source: keyof typeof STYLES; widgetName: string | null; mode: string }) {
  const label = source === 'widget' ? (widgetName ?? 'Deleted widget') : source === 'playground' ? 'Playground' : source === 'meeting' ? 'Meeting' : 'API';
  return (
    <span className={`inline-block rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ${STYLES[source]}`} data-source={source}>
      {label}
      {mode === 'meeting' && source !== 'meeting' ? ' · meeting' : ''}
    </span>
  );
}
