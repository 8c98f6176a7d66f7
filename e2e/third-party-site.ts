// A stand-in for a tenant's own website on another origin (another port), for the widget
// end-to-end tests. `/?widget=<id>&app=<app origin>` embeds the loader like a pasted snippet;
// `/frame?src=<url>` frames a URL directly, as a site trying to embed the chat by hand would.
// It listens on every interface so it answers as both http://localhost:<port> (allowed in
// the tests) and http://127.0.0.1:<port> (a different origin, not allowed).
import { createServer } from 'node:http';

const port = Number(process.env.THIRD_PARTY_PORT ?? 3102);
const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Third-party shop</title>` +
  // Host styles that would wreck an unisolated widget.
  `<style>* { font-family: serif !important; } button { background: hotpink !important; } iframe { border: 5px solid red; }</style>` +
  `</head><body><h1>A shop that embeds the assistant</h1>${body}</body></html>`;

createServer((request, response) => {
  const url = new URL(request.url ?? '/', `http://localhost:${port}`);
  if (url.pathname === '/health') return response.end('ok');
  let body = '';
  if (url.pathname === '/') {
    const widget = url.searchParams.get('widget') ?? '';
    const app = url.searchParams.get('app') ?? '';
    // `vt`: a signed-in user's visitor token, as the shop's server would render it into the page.
    const visitorToken = url.searchParams.get('vt');
    const tokenAttribute = visitorToken ? ` data-visitor-token="${escape(visitorToken)}"` : '';
    body = `<p>Products, prices, and a chat button in the corner.</p><script src="${escape(app)}/widget.js" data-widget-id="${escape(widget)}"${tokenAttribute} async></script>`;
  } else if (url.pathname === '/frame') {
    body = `<iframe id="direct" title="Direct frame" src="${escape(url.searchParams.get('src') ?? '')}" width="400" height="500"></iframe>`;
  } else {
    response.statusCode = 404;
    return response.end('not found');
  }
  response.setHeader('Content-Type', 'text/html; charset=utf-8');
  response.end(page(body));
}).listen(port, () => console.log(`Third-party site on port ${port}`));
