import type { Metadata } from 'next';
import { MeetingRoom } from '@/components/meetings/meeting-room';
import { liveKitConfig } from '@/lib/livekit/config';
import { JoinRefusedError, resolveGuestLink } from '@/lib/meetings/join';

export const metadata: Metadata = { title: 'Join a meeting', robots: { index: false, follow: false } };
export const dynamic = 'force-dynamic';

/** The public pre-join page a guest link opens. The link is checked again when the guest joins. */
export default async function GuestMeetingPage({ params }: { params: Promise<{ link: string }> }) {
  const { link } = await params;
  let title: string;
  let refusal: string | undefined;
  try {
    if (!liveKitConfig()) throw new JoinRefusedError('Meetings are not available on this server.', 503, 'invalid');
    title = (await resolveGuestLink(decodeURIComponent(link).slice(0, 400))).title;
  } catch (error) {
    if (!(error instanceof JoinRefusedError)) throw error;
    title = 'Meeting';
    refusal = error.message;
  }
  return (
    <main className="min-h-screen bg-slate-950 px-4 py-6 text-slate-100 sm:px-8">
      <div className="mx-auto max-w-6xl">
        {refusal ? (
          <div className="mx-auto mt-16 max-w-lg rounded-xl border border-slate-700 p-6" role="alert" data-testid="guest-link-refused">
            <h1 className="text-xl font-semibold">You cannot join with this link</h1>
            <p className="mt-2 text-sm text-slate-300">{refusal}</p>
          </div>
        ) : (
          <MeetingRoom
            title={title}
            tokenUrl="/api/meetings/guest-token"
            tokenBody={{ link: decodeURIComponent(link) }}
            nameLabel="Your name"
            leaveHref="/"
            leaveLabel="Leave"
          />
        )}
      </div>
    </main>
  );
}
