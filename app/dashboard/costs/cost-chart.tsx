'use client';

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { CostService } from '@/db/schema';
import { SERVICE_LABELS } from '@/lib/costs/services';
import { formatUsd } from '@/lib/format';

export type ChartPeriod = { period: string; label: string; costs: Partial<Record<CostService, string>>; totalUsd: string };

// Mid-tone colours that keep their contrast on both the light and the dark background.
const SERVICE_COLORS: Record<CostService, string> = {
  llm: '#6366f1',
  embedding: '#0ea5e9',
  voice_stt: '#10b981',
  voice_tts: '#f59e0b',
  vision: '#f43f5e',
  livekit: '#a855f7',
};

function ChartTooltip({ active, label, periods }: { active?: boolean; label?: string | number; periods: ChartPeriod[] }) {
  const period = periods.find((p) => p.label === label);
  if (!active || !period) return null;
  return (
    <div className="rounded-md border border-slate-200 bg-white px-3 py-2 text-xs shadow-lg dark:border-slate-700 dark:bg-slate-900">
      <p className="mb-1 font-medium text-slate-900 dark:text-slate-100">{period.label}</p>
      <ul className="flex flex-col gap-0.5">
        {(Object.keys(SERVICE_LABELS) as CostService[])
          .filter((service) => period.costs[service])
          .map((service) => (
            <li key={service} className="flex items-center justify-between gap-4 text-slate-700 dark:text-slate-300">
              <span className="flex items-center gap-1.5">
                <span className="h-2 w-2 rounded-sm" style={{ backgroundColor: SERVICE_COLORS[service] }} aria-hidden />
                {SERVICE_LABELS[service]}
              </span>
              <span className="tabular-nums">{formatUsd(period.costs[service]!)}</span>
            </li>
          ))}
      </ul>
      <p className="mt-1 flex justify-between gap-4 border-t border-slate-200 pt-1 font-medium dark:border-slate-700">
        <span>Total</span>
        <span className="tabular-nums">{formatUsd(period.totalUsd)}</span>
      </p>
    </div>
  );
}

/** Spend per period, stacked by service. Amounts arrive as decimal strings; they become numbers only to be drawn. */
export function CostChart({ periods, services }: { periods: ChartPeriod[]; services: CostService[] }) {
  const data = periods.map((period) => ({
    label: period.label,
    ...Object.fromEntries(services.map((service) => [service, Number(period.costs[service] ?? 0)])),
  }));
  return (
    <div className="h-80 w-full text-slate-500 dark:text-slate-400" data-testid="cost-chart" data-periods={periods.length}
      data-periods-with-costs={periods.filter((period) => Object.keys(period.costs).length > 0).length} role="img"
      aria-label={`Spend by service for ${periods.length} periods`}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
          <CartesianGrid vertical={false} stroke="currentColor" strokeOpacity={0.15} />
          <XAxis dataKey="label" tick={{ fill: 'currentColor', fontSize: 12 }} stroke="currentColor" strokeOpacity={0.3} minTickGap={16} />
          <YAxis tick={{ fill: 'currentColor', fontSize: 12 }} stroke="currentColor" strokeOpacity={0.3} width={64}
            tickFormatter={(value: number) => `$${value >= 100 ? value.toFixed(0) : value.toFixed(2)}`} />
          <Tooltip cursor={{ fill: 'currentColor', fillOpacity: 0.08 }} content={(props) => <ChartTooltip active={props.active} label={props.label} periods={periods} />} />
          <Legend formatter={(value: CostService) => <span className="text-xs text-slate-700 dark:text-slate-300">{SERVICE_LABELS[value]}</span>} />
          {services.map((service) => (
            <Bar key={service} dataKey={service} stackId="cost" fill={SERVICE_COLORS[service]} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
