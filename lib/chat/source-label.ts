// How a cited source is named wherever it is shown (widget frame, dashboard transcript).
// Dependency-free: the widget frame bundles it.

/** "Pricing › Billing questions › Is there a free trial?": the title, then the heading path without repeating the title. */
export function sourceLabel(source: { title: string; headingPath?: string[] }): string {
  const headings = source.headingPath ?? [];
  return [source.title, ...(headings[0] === source.title ? headings.slice(1) : headings)].join(' › ');
}
