import { Card } from '@/components/ui/card';

/** Shown instead of the meetings area when the server has no LiveKit settings. */
export function ConfigureLiveKitNotice({ missing }: { missing: string[] }) {
  return (
    <Card title="Configure LiveKit to hold meetings" className="border-amber-300 dark:border-amber-800">
      <div className="flex flex-col gap-3 text-sm text-slate-700 dark:text-slate-300" data-testid="configure-livekit">
        <p>
          Meetings run on a LiveKit server (self-hosted or LiveKit Cloud). This server is missing:{' '}
          {missing.map((name, index) => (
            <span key={name}>
              {index > 0 ? ', ' : ''}
              <code className="rounded bg-slate-100 px-1 dark:bg-slate-800">{name}</code>
            </span>
          ))}
          .
        </p>
        <p>
          For a local server, <code className="rounded bg-slate-100 px-1 dark:bg-slate-800">docker compose up livekit</code> starts one in development mode; then set{' '}
          <code className="rounded bg-slate-100 px-1 dark:bg-slate-800">LIVEKIT_URL=ws://localhost:7880 LIVEKIT_API_KEY=devkey LIVEKIT_API_SECRET=secret</code> and restart the app. The README&apos;s
          Meetings section has the details, including the webhook address LiveKit must call.
        </p>
      </div>
    </Card>
  );
}
