import 'server-only';
import { createHash } from 'node:crypto';
import type { FrameBootstrap } from './client/types';

// The chat frame's HTML document. Its one stylesheet is inline and allowed by hash, so the
// frame's CSP needs no 'unsafe-inline'; the script is the separately built /widget-frame.js.

const STYLES = `*{box-sizing:border-box}
:root{color-scheme:light;--bg:#fff;--fg:#0f172a;--muted:#64748b;--bubble:#f1f5f9;--line:#e2e8f0;--error:#b91c1c;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
:root[data-theme=dark]{color-scheme:dark;--bg:#0f172a;--fg:#e2e8f0;--muted:#94a3b8;--bubble:#1e293b;--line:#334155;--error:#fca5a5}
@media (prefers-color-scheme:dark){:root[data-theme=auto]{color-scheme:dark;--bg:#0f172a;--fg:#e2e8f0;--muted:#94a3b8;--bubble:#1e293b;--line:#334155;--error:#fca5a5}}
html,body{height:100%;margin:0;background:var(--bg);color:var(--fg)}
#app{display:flex;flex-direction:column;height:100%}
header{display:flex;align-items:center;gap:4px;padding:10px 10px 10px 16px;background:var(--primary);color:var(--on-primary)}
h1{flex:1;margin:0;font-size:16px;font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
button{font:inherit;cursor:pointer}
button:focus-visible,textarea:focus-visible,a:focus-visible,.log:focus-visible{outline:2px solid var(--primary);outline-offset:2px}
.icon{width:34px;height:34px;border:0;border-radius:8px;background:transparent;color:inherit;font-size:20px;line-height:1}
.icon:hover{background:rgba(127,127,127,.2)}header .icon:focus-visible{outline-color:var(--on-primary)}
.log{flex:1;overflow-y:auto;padding:16px;display:flex;flex-direction:column;gap:10px}
.msg{max-width:88%;padding:9px 13px;border-radius:14px;overflow-wrap:anywhere}
.msg.user{align-self:flex-end;background:var(--primary);color:var(--on-primary);border-bottom-right-radius:4px;white-space:pre-wrap}
.msg.bot{align-self:flex-start;background:var(--bubble);border-bottom-left-radius:4px}
.body>:first-child{margin-top:0}.body>:last-child{margin-bottom:0}.body p,.body ul,.body ol{margin:.4em 0}.body ul,.body ol{padding-left:1.3em}
.body blockquote{margin:.4em 0;padding-left:10px;border-left:3px solid var(--line)}.body h3,.body h4{margin:.6em 0 .3em;font-size:1em}
.body pre{overflow-x:auto;padding:8px;border-radius:6px;background:rgba(127,127,127,.15)}.body a{color:inherit}
.citation{color:var(--primary);font-weight:600;cursor:help;margin-left:1px}
.sources{margin:8px 0 0;padding:6px 0 0 1.4em;border-top:1px solid var(--line);font-size:12.5px;color:var(--muted)}
.sources a{color:inherit}
.feedback{display:flex;gap:4px;margin-top:6px}
.feedback button{display:flex;border:1px solid var(--line);background:transparent;color:var(--fg);border-radius:6px;padding:3px 7px;opacity:.7}
.feedback button[aria-pressed=true]{opacity:1;border-color:var(--primary);background:rgba(127,127,127,.15)}
.typing{display:inline-flex;gap:4px;padding:4px 0}.typing i{width:7px;height:7px;border-radius:50%;background:var(--muted);animation:b 1s infinite}
.typing i:nth-child(2){animation-delay:.15s}.typing i:nth-child(3){animation-delay:.3s}
@keyframes b{0%,80%,100%{opacity:.3}40%{opacity:1}}
@media (prefers-reduced-motion:reduce){.typing i{animation:none}}
.starters{display:flex;flex-wrap:wrap;gap:6px;padding:0 16px 8px}
.starters button{border:1px solid var(--primary);background:transparent;color:var(--fg);border-radius:999px;padding:5px 12px;font-size:13.5px;text-align:left}
.status{padding:0 16px;font-size:13.5px;color:var(--muted)}.status.error{color:var(--error)}
.status:not(:empty){padding:6px 16px}
.retry{margin-left:6px;border:1px solid currentColor;background:transparent;color:inherit;border-radius:6px;padding:1px 8px}
form{display:flex;gap:8px;align-items:flex-end;padding:10px;border-top:1px solid var(--line)}
textarea{flex:1;resize:none;max-height:120px;padding:9px 12px;border:1px solid var(--line);border-radius:10px;background:var(--bg);color:var(--fg);font:inherit}
.send{width:40px;height:40px;border:0;border-radius:10px;background:var(--primary);color:var(--on-primary);font-size:17px}
.send:disabled,textarea:disabled,.tool:disabled{opacity:.5;cursor:not-allowed}
.tool{width:36px;height:40px;border:0;border-radius:10px;background:transparent;color:var(--muted);display:flex;align-items:center;justify-content:center}
.tool:hover{color:var(--fg);background:var(--bubble)}
.mic.on{color:#fff;background:#dc2626;animation:r 1.2s infinite}
@keyframes r{50%{box-shadow:0 0 0 5px rgba(220,38,38,.25)}}
@media (prefers-reduced-motion:reduce){.mic.on{animation:none}}
.msg.spoken .body::before{content:"🎤 "}.msg.with-image .body::before{content:"🖼 "}
.shot{display:block;max-width:100%;max-height:180px;border-radius:8px}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.notice{margin:auto;padding:24px;text-align:center;color:var(--muted)}
.msg.agent{align-self:flex-start;background:var(--bubble);border-left:3px solid var(--primary);border-bottom-left-radius:4px;white-space:pre-wrap}
.author{display:block;margin-bottom:2px;font-size:12px;font-weight:600;color:var(--muted)}
.note{align-self:center;max-width:92%;margin:0;font-size:12.5px;color:var(--muted);text-align:center}
.bar{display:flex;flex-wrap:wrap;align-items:center;gap:8px;padding:6px 16px;font-size:13.5px;background:var(--bubble);border-bottom:1px solid var(--line)}
.bar:empty{display:none}
.bar button,.card button{border:1px solid var(--primary);background:transparent;color:var(--fg);border-radius:999px;padding:4px 12px;font-size:13px}
.card button.primary{background:var(--primary);color:var(--on-primary)}
.card{align-self:stretch;display:flex;flex-direction:column;gap:8px;padding:10px 12px;border:1px solid var(--line);border-radius:12px}
.card p{margin:0}.card .row{display:flex;flex-wrap:wrap;gap:6px}
.card input,.card textarea{padding:7px 10px;border:1px solid var(--line);border-radius:8px;background:var(--bg);color:var(--fg);font:inherit}
[hidden]{display:none!important}`;

const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLES).digest('base64')}'`;

/** The frame's CSP: only the app's own script and API, only inside `frameAncestors`. */
export function frameContentSecurityPolicy(frameAncestors: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src ${STYLE_HASH}`,
    "connect-src 'self'",
    "img-src 'self' data: blob:",
    // Spoken answers play from blob: URLs made from the reply stream.
    "media-src blob:",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ');
}

// JSON inside <script> must not be able to close the tag.
const scriptSafeJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');
const escapeText = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function document(theme: string, title: string, body: string): string {
  return `<!doctype html><html lang="en" data-theme="${escapeText(theme)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${escapeText(title)}</title><style>${STYLES}</style></head><body>${body}</body></html>`;
}

export function chatFramePage(bootstrap: FrameBootstrap): string {
  return document(
    bootstrap.theme,
    bootstrap.name,
    `<main id="app"></main><script id="widget-bootstrap" type="application/json">${scriptSafeJson(bootstrap)}</script><script src="/widget-frame.js" defer></script>`,
  );
}

/** Shown in place of the chat when it cannot be used (disabled, unknown). */
export function noticeFramePage(message: string): string {
  return document('auto', 'Chat', `<main id="app"><p class="notice" role="alert">${escapeText(message)}</p></main>`);
}
