import { unstable_doesMiddlewareMatch } from 'next/experimental/testing/server';
import { describe, expect, it } from 'vitest';
import { config } from '@/proxy';

// Next.js buffers (and cuts at 10 MB) the body of every request its proxy sees; the upload
// route must not be one of them, or KNOWLEDGE_MAX_UPLOAD_MB above 10 could never be true.
describe('the request gate and uploads', () => {
  it('leaves the knowledge upload route to stream its own body', () => {
    expect(unstable_doesMiddlewareMatch({ config, url: '/api/knowledge/documents' })).toBe(false);
  });

  it.each(['/dashboard', '/dashboard/knowledge', '/api/knowledge/documents/other', '/api/knowledge/documentsx', '/api/widget/abc/sessions', '/sign-in', '/'])(
    'still gates %s',
    (url) => expect(unstable_doesMiddlewareMatch({ config, url })).toBe(true),
  );
});
