import { getCurrentSession } from '@/lib/auth/session';
import { receiveUpload } from './receive-upload';

export const dynamic = 'force-dynamic';

/** Uploads one or more files (multipart field `files`) into the knowledge base and queues their indexing. */
export async function POST(request: Request) {
  const response = await receiveUpload(await getCurrentSession(), request);
  // proxy.ts, which sets this on every other response, does not run for this route.
  response.headers.set('X-Content-Type-Options', 'nosniff');
  return response;
}
