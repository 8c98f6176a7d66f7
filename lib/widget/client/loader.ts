// The embed loader: `<script src="<app>/widget.js" data-widget-id="..." async>`. Runs on the
// tenant's page, so it stays tiny (3 KB gzipped budget) and touches nothing but its own
// element: an IIFE (esbuild wraps it), one host element with a shadow root holding all of
// its styles, and one global, `AssistantWidget.setVisitor(token)`, for pages that sign their
// users in. The chat itself is an iframe created on the first click.
import { CLOSE_MESSAGE, VISITOR_MESSAGE, type WidgetPublicConfig } from './types';

const script = document.currentScript as HTMLScriptElement | null;
const widgetId = script?.dataset.widgetId;
// Who the page's user is: a JWT its server signed (data-visitor-token, or setVisitor later).
let visitorToken = script?.dataset.visitorToken || null;
type VisitorApi = { setVisitor: (token: string | null) => void; h: Array<(token: string | null) => void> };
const page = window as unknown as { AssistantWidget?: VisitorApi };
// Shared by every widget on the page; each loader adds its handler.
const visitorApi = (page.AssistantWidget ??= { setVisitor: (token) => visitorApi.h.forEach((handler) => handler(token)), h: [] });
visitorApi.h.push((token) => (visitorToken = token));

const CHAT_ICON =
  '<svg viewBox="0 0 24 24" width="26" height="26" aria-hidden="true" fill="currentColor"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>';
const CLOSE_ICON =
  '<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round"><path d="M6 6l12 12M18 6L6 18"/></svg>';

function styles(config: WidgetPublicConfig): string {
  const side = config.position === 'bottom-left' ? 'left' : 'right';
  return `:host{all:initial}
.l{position:fixed;bottom:20px;${side}:20px;z-index:2147483000;width:56px;height:56px;border-radius:50%;border:0;cursor:pointer;display:flex;align-items:center;justify-content:center;background:${config.primaryColor};color:${config.secondaryColor};box-shadow:0 4px 14px rgba(0,0,0,.25);transition:transform .15s}
.l:hover{transform:scale(1.06)}.l:focus-visible{outline:3px solid ${config.primaryColor};outline-offset:3px}
iframe{position:fixed;bottom:88px;${side}:20px;z-index:2147483000;width:380px;height:min(600px,calc(100vh - 108px));border:0;border-radius:14px;box-shadow:0 8px 30px rgba(0,0,0,.3);background:transparent;color-scheme:normal}
iframe[hidden],.l[hidden]{display:none}
@media (max-width:480px){iframe{inset:0;width:100%;height:100%;border-radius:0}.l.o{display:none}}`;
}

function mount(config: WidgetPublicConfig, appOrigin: string) {
  const host = document.createElement('div');
  host.setAttribute('data-assistant-widget', config.id);
  const root = host.attachShadow({ mode: 'open' });
  const style = document.createElement('style');
  style.textContent = styles(config);
  const launcher = document.createElement('button');
  launcher.className = 'l';
  launcher.type = 'button';
  launcher.setAttribute('aria-haspopup', 'dialog');
  launcher.setAttribute('aria-expanded', 'false');
  launcher.setAttribute('aria-label', `Open chat: ${config.name}`);
  launcher.innerHTML = CHAT_ICON;
  root.append(style, launcher);
  document.body.appendChild(host);
  // A verified-only chat shows itself once the page says who its user is.
  const showLauncher = () => (launcher.hidden = config.identityMode === 'verified' && !visitorToken);
  showLauncher();

  let frame: HTMLIFrameElement | undefined;
  const setOpen = (open: boolean) => {
    if (open && !frame) {
      frame = document.createElement('iframe');
      frame.title = config.name;
      // The frame page only renders here if this origin is on the widget's allow-list
      // (frame-ancestors); it also learns from it where it is embedded.
      // The visitor token rides in the fragment, which the browser never sends to a server.
      frame.src = `${appOrigin}/widget/${encodeURIComponent(config.id)}?origin=${encodeURIComponent(location.origin)}${visitorToken ? `#vt=${encodeURIComponent(visitorToken)}` : ''}`;
      // The microphone, for voice messages (the chat asks the visitor only when they press it).
      frame.allow = 'clipboard-write; microphone';
      root.appendChild(frame);
    }
    if (frame) frame.hidden = !open;
    launcher.classList.toggle('o', open);
    launcher.setAttribute('aria-expanded', String(open));
    launcher.setAttribute('aria-label', `${open ? 'Close' : 'Open'} chat: ${config.name}`);
    launcher.innerHTML = open ? CLOSE_ICON : CHAT_ICON;
    if (open) frame!.focus();
    else launcher.focus();
  };
  launcher.addEventListener('click', () => setOpen(launcher.getAttribute('aria-expanded') !== 'true'));
  visitorApi.h.push((token) => {
    frame?.contentWindow?.postMessage({ type: VISITOR_MESSAGE, token }, appOrigin);
    if (!token && config.identityMode === 'verified' && frame && !frame.hidden) setOpen(false);
    showLauncher();
  });
  window.addEventListener('message', (event) => {
    if (event.origin === appOrigin && frame && event.source === frame.contentWindow && event.data === CLOSE_MESSAGE) setOpen(false);
  });
}

if (script && widgetId) {
  const appOrigin = new URL(script.src).origin;
  fetch(`${appOrigin}/api/widget/${encodeURIComponent(widgetId)}/config`)
    .then((response) => (response.ok ? response.json() : Promise.reject(new Error(`HTTP ${response.status}`))))
    .then((config: WidgetPublicConfig) => {
      if (document.body) mount(config, appOrigin);
      else document.addEventListener('DOMContentLoaded', () => mount(config, appOrigin));
    })
    .catch((error: Error) => console.warn(`Chat widget ${widgetId} is not available on this site (${error.message}).`));
}
