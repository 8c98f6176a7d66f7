import Link from 'next/link';
import { buttonClasses } from '@/components/ui/button';

const features = [
  {
    title: 'Answers from your knowledge',
    body: 'Upload FAQs, guides and pricing pages. Every answer is grounded in them and cites its sources.',
  },
  {
    title: 'Your voice, your rules',
    body: 'Personalities set the tone, the model and its limits. Try them in a playground before visitors do.',
  },
  {
    title: 'One script tag',
    body: 'Paste the widget snippet into your site. It loads on first click, isolated from your page, and only on domains you allow.',
  },
  {
    title: 'No surprise bills',
    body: 'Every model call is costed. Charts, budget alerts and a hard monthly cap keep spending where you want it.',
  },
];

export default function HomePage() {
  return (
    <main className="mx-auto flex max-w-5xl flex-col gap-16 px-6 py-20">
      <section className="flex flex-col gap-6">
        <p className="text-sm font-semibold tracking-wide text-indigo-600 uppercase dark:text-indigo-400">
          Assistant Platform
        </p>
        <h1 className="max-w-3xl text-4xl font-bold tracking-tight sm:text-5xl">
          A trustworthy AI assistant for your website.
        </h1>
        <p className="max-w-2xl text-lg text-slate-600 dark:text-slate-300">
          Teach it your knowledge, give it a personality, embed it with one line, and see exactly what
          every conversation costs. Each company&apos;s data is kept apart by the database itself.
        </p>
        <div>
          <Link href="/dashboard" className={buttonClasses('primary', 'px-5 py-2.5 text-base')}>
            Sign in to your dashboard
          </Link>
        </div>
      </section>
      <section aria-labelledby="features-heading" className="flex flex-col gap-6">
        <h2 id="features-heading" className="sr-only">
          Features
        </h2>
        <ul className="grid gap-6 sm:grid-cols-2">
          {features.map((feature) => (
            <li key={feature.title} className="rounded-xl border border-slate-200 p-6 dark:border-slate-800">
              <h3 className="font-semibold">{feature.title}</h3>
              <p className="mt-2 text-slate-600 dark:text-slate-300">{feature.body}</p>
            </li>
          ))}
        </ul>
      </section>
      <footer className="text-sm text-slate-500">
        <a className="underline underline-offset-4 hover:text-slate-700 dark:hover:text-slate-300" href="/api/health">
          System status
        </a>
      </footer>
    </main>
  );
}
