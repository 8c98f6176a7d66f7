import { describe, expect, it } from 'vitest';
import { renderMarkdown, tenantLinkPolicy } from '@/lib/chat/markdown';
import { encodeReplyEvent, type ReplyEvent, readReplyEvents } from '@/lib/chat/protocol';

const policy = tenantLinkPolicy(['https://acme.com', 'https://*.acme.com'], ['https://docs.example.org/returns']);

describe('renderMarkdown', () => {
  it('renders the markdown subset answers use', () => {
    const html = renderMarkdown('## Returns\n\nYou have **30 days** to return *unused* items [1].\n\n- Keep the `receipt`\n- Pack it well\n\n1. One\n2. Two\n\n```\nif (a < b) {}\n```');
    expect(html).toBe(
      '<h3>Returns</h3><p>You have <strong>30 days</strong> to return <em>unused</em> items <sup class="citation" data-source="1">[1]</sup>.</p>' +
        '<ul><li>Keep the <code>receipt</code></li><li>Pack it well</li></ul><ol><li>One</li><li>Two</li></ol><pre><code>if (a &lt; b) {}</code></pre>',
    );
  });

  it('shows raw HTML as text, never as markup', () => {
    const html = renderMarkdown('<script>alert(1)</script> <img src=x onerror="alert(1)"> <a href="https://acme.com">x</a>', policy);
    expect(html).not.toMatch(/<script|<img|<a /);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('onerror=&quot;alert(1)&quot;');
  });

  it('drops script, data and other-scheme links but keeps their words', () => {
    for (const href of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html,<b>x</b>', 'vbscript:x', 'mailto:a@acme.com']) {
      const html = renderMarkdown(`[click me](${href})`, () => true);
      expect(html, href).toBe('<p>click me</p>');
    }
  });

  it('keeps links to the tenant’s domains and knowledge sources only', () => {
    expect(renderMarkdown('[shop](https://acme.com/shop)', policy)).toContain('<a href="https://acme.com/shop" target="_blank" rel="noopener noreferrer nofollow">shop</a>');
    expect(renderMarkdown('[help](https://help.acme.com/a?b=1&c=2)', policy)).toContain('href="https://help.acme.com/a?b=1&amp;c=2"');
    expect(renderMarkdown('[policy](https://docs.example.org/returns#top)', policy)).toContain('<a href="https://docs.example.org/returns#top"');
    expect(renderMarkdown('[phish](https://acme.com.evil.io/login)', policy)).toBe('<p>phish</p>');
    expect(renderMarkdown('[other page](https://docs.example.org/other)', policy)).toBe('<p>other page</p>');
    expect(renderMarkdown('[no policy](https://acme.com)')).toBe('<p>no policy</p>');
  });

  it('leaves citation markers inside link targets alone, and still cites after the link', () => {
    const html = renderMarkdown('See [the **table**](https://acme.com/wiki/Plan_[1]_(2026)) [3] and [2].', policy);
    expect(html).toBe(
      '<p>See <a href="https://acme.com/wiki/Plan_[1]_(2026)" target="_blank" rel="noopener noreferrer nofollow">the <strong>table</strong></a> <sup class="citation" data-source="3">[3]</sup>' +
        ' and <sup class="citation" data-source="2">[2]</sup>.</p>',
    );
  });

  it('does not let NUL characters in the text stand in for cut-out code or links', () => {
    const html = renderMarkdown('`code` \u00000\u0000');
    expect(html).toBe('<p><code>code</code> 0</p>');
  });

  it('cannot be tricked into an attribute by quotes in a link', () => {
    const html = renderMarkdown('[x](https://acme.com/"onmouseover="alert(1))', policy);
    expect(html).not.toMatch(/"\s*onmouseover=/);
  });
});

describe('reply stream protocol', () => {
  it('reads events split anywhere across chunks', async () => {
    const events: ReplyEvent[] = [
      { type: 'text', delta: 'Hello\nworld “quoted”' },
      { type: 'done', messageId: 'm', status: 'complete', content: 'Hello', mode: 'model', latencyMs: 5 },
    ];
    const bytes = new TextEncoder().encode(events.map(encodeReplyEvent).join(''));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 7) controller.enqueue(bytes.slice(i, i + 7));
        controller.close();
      },
    });
    const read: ReplyEvent[] = [];
    for await (const event of readReplyEvents(body)) read.push(event);
    expect(read).toEqual(events);
  });
});
