'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { InboxCount } from './inbox/live';

const LINKS = [
  { href: '/dashboard', label: 'Overview' },
  { href: '/dashboard/knowledge', label: 'Knowledge' },
  { href: '/dashboard/personalities', label: 'Personalities' },
  { href: '/dashboard/playground', label: 'Playground' },
  { href: '/dashboard/evaluation', label: 'Evaluation' },
  { href: '/dashboard/widgets', label: 'Widgets' },
  { href: '/dashboard/inbox', label: 'Inbox' },
  { href: '/dashboard/conversations', label: 'Conversations' },
  { href: '/dashboard/unanswered', label: 'Unanswered' },
  { href: '/dashboard/meetings', label: 'Meetings' },
  { href: '/dashboard/costs', label: 'Costs' },
  { href: '/dashboard/team', label: 'Team' },
  { href: '/dashboard/settings', label: 'Settings' },
];

export function NavLinks() {
  const pathname = usePathname();
  return (
    <ul className="flex gap-1 overflow-x-auto md:flex-col">
      {LINKS.map((link) => {
        const active = link.href === '/dashboard' ? pathname === link.href : pathname.startsWith(link.href);
        return (
          <li key={link.href}>
            <Link
              href={link.href}
              aria-current={active ? 'page' : undefined}
              className={`block whitespace-nowrap rounded-md px-3 py-2 text-sm font-medium ${
                active
                  ? 'bg-indigo-50 text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300'
                  : 'text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800'
              }`}
            >
              {link.label}
              {link.href === '/dashboard/inbox' && <InboxCount />}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
