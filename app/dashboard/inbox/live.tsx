'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import type { InboxSnapshot } from '@/lib/handoff/inbox';
import { HANDOFF_REASON_LABELS } from './reason-labels';

// The Inbox's live stream (app/dashboard/inbox/events), one EventSource per browser tab shared
// by the navigation count, the list and an open conversation. EventSource reconnects by itself.

type InboxUpdate = InboxSnapshot & { changed: string[] };
type Subscriber = (update: InboxUpdate) => void;

let source: EventSource | undefined;
let latest: InboxUpdate | undefined;
const subscribers = new Set<Subscriber>();

function subscribe(subscriber: Subscriber): () => void {
  subscribers.add(subscriber);
  if (latest) subscriber({ ...latest, changed: [] });
  if (!source) {
    source = new EventSource('/dashboard/inbox/events');
    source.onmessage = (event) => {
      latest = JSON.parse(event.data) as InboxUpdate;
      for (const each of subscribers) each(latest);
    };
  }
  return () => {
    subscribers.delete(subscriber);
    if (subscribers.size === 0) {
      source?.close();
      source = undefined;
    }
  };
}

function useInbox(initial?: InboxSnapshot): InboxSnapshot | undefined {
  const [snapshot, setSnapshot] = useState(initial);
  useEffect(() => subscribe(setSnapshot), []);
  return snapshot;
}

/** The number of visitors waiting for a person, beside Inbox in the navigation. */
export function InboxCount() {
  const waiting = useInbox()?.counts.waiting ?? 0;
  if (waiting === 0) return null;
  return (
    <span data-testid="inbox-count" className="ml-2 rounded-full bg-amber-500 px-1.5 py-0.5 text-xs font-semibold text-white" aria-label={`${waiting} waiting`}>
      {waiting}
    </span>
  );
}

/** Re-renders the page from the server when this conversation changes (a visitor writes, a teammate acts). */
export function RefreshOnChange({ sessionId }: { sessionId: string }) {
  const router = useRouter();
  useEffect(() => subscribe((update) => update.changed.includes(sessionId) && router.refresh()), [sessionId, router]);
  return null;
}

const since = (iso: string, now: number) => {
  const minutes = Math.max(0, Math.round((now - Date.parse(iso)) / 60_000));
  return minutes < 1 ? 'just now' : minutes < 60 ? `${minutes} min ago` : `${Math.floor(minutes / 60)} h ${minutes % 60} min ago`;
};

type Filter = 'waiting' | 'mine' | 'all';

/** The open handoffs, live, filtered by waiting / mine / all. */
export function InboxList({ initial, now: renderedAt }: { initial: InboxSnapshot; now: number }) {
  const snapshot = useInbox(initial)!;
  const [filter, setFilter] = useState<Filter>('waiting');
  const [now, setNow] = useState(renderedAt);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  const items = snapshot.items.filter((item) => (filter === 'all' ? true : filter === 'mine' ? item.mine : item.status === 'waiting'));
  const tabs: Array<[Filter, string, number]> = [
    ['waiting', 'Waiting', snapshot.counts.waiting],
    ['mine', 'Mine', snapshot.counts.mine],
    ['all', 'All open', snapshot.counts.waiting + snapshot.counts.assigned],
  ];
  return (
    <div className="flex flex-col gap-4">
      <div role="tablist" aria-label="Show" className="flex gap-2">
        {tabs.map(([value, label, count]) => (
          <button
            key={value}
            type="button"
            role="tab"
            aria-selected={filter === value}
            onClick={() => setFilter(value)}
            className={`rounded-full px-3 py-1 text-sm ${filter === value ? 'bg-indigo-600 text-white' : 'bg-slate-100 text-slate-700 hover:bg-slate-200 dark:bg-slate-800 dark:text-slate-300'}`}
          >
            {label} ({count})
          </button>
        ))}
      </div>
      {items.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 p-6 text-center text-sm text-slate-500 dark:border-slate-700" data-testid="inbox-empty">
          {filter === 'waiting'
            ? 'Nobody is waiting for a person. When a visitor asks for one, the conversation appears here at once.'
            : filter === 'mine'
              ? 'No conversations are assigned to you. Take one from Waiting.'
              : 'No open conversations.'}
        </p>
      ) : (
        <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white dark:divide-slate-800 dark:border-slate-800 dark:bg-slate-900">
          {items.map((item) => (
            <li key={item.handoffId} data-testid="inbox-item" className="p-4">
              <Link href={`/dashboard/inbox/${item.sessionId}`} className="flex flex-col gap-1 hover:underline-offset-2">
                <span className="flex flex-wrap items-center gap-2">
                  <span className="font-medium">{item.visitor}</span>
                  {item.verified && <span className="rounded-full bg-emerald-100 px-2 text-xs text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200">verified</span>}
                  <span className={`rounded-full px-2 text-xs ${item.status === 'waiting' ? 'bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-200' : 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300'}`}>
                    {item.status === 'waiting' ? `waiting since ${since(item.requestedAt, now)}` : `with ${item.mine ? 'you' : item.assigneeName}`}
                  </span>
                  {item.leadEmail && <span className="rounded-full bg-sky-100 px-2 text-xs text-sky-800 dark:bg-sky-950 dark:text-sky-200">left {item.leadEmail}</span>}
                </span>
                <span className="text-xs text-slate-500">
                  {HANDOFF_REASON_LABELS[item.reason]}
                  {item.widgetName ? ` · ${item.widgetName}` : ''}
                </span>
                {item.lastMessage && <span className="truncate text-sm text-slate-700 dark:text-slate-300">{item.lastMessage}</span>}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
