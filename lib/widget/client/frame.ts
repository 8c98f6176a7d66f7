// The visitor chat inside the widget's iframe (served by app/widget/[widgetId]/route.ts).
// Plain DOM code, no framework, so the bundle stays far inside its 40 KB gzipped budget.
// Model output only ever reaches the page through renderMarkdown (escape-first).
import { readReplyEvents } from '@/lib/chat/protocol';
import { renderMarkdown, tenantLinkPolicy } from '@/lib/chat/markdown';
import { sourceLabel } from '@/lib/chat/source-label';
import type { AnswerPlayer, MediaHelpers, Recording } from './media';
import {
  CLOSE_MESSAGE,
  type FrameBootstrap,
  type HandoffView,
  type LiveEvent,
  MEDIA_GLOBAL,
  type StartedSession,
  VISITOR_MESSAGE,
  VISITOR_TOKEN_HEADER,
  type VisitorHistory,
  type VisitorMessage,
  type VisitorSource,
  type WidgetApiError,
} from './types';

const config = JSON.parse(document.getElementById('widget-bootstrap')!.textContent!) as FrameBootstrap;
const api = `/api/widget/${config.id}`;
const storageKey = `assistant-widget:${config.id}`;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

// Storage can be unavailable (privacy modes, blocked third-party storage): the chat still
// works, it just does not survive a reload.
const storedToken = {
  get: () => {
    try {
      return localStorage.getItem(storageKey);
    } catch {
      return null;
    }
  },
  set: (token: string | null) => {
    try {
      if (token) localStorage.setItem(storageKey, token);
      else localStorage.removeItem(storageKey);
    } catch {
      /* not persisted: see above */
    }
  },
};

// ---- Layout ----
document.documentElement.style.setProperty('--primary', config.primaryColor);
document.documentElement.style.setProperty('--on-primary', config.secondaryColor);

const app = document.getElementById('app')!;
const header = element('header');
const title = element('h1', { id: 'chat-title' }, config.name);
const newButton = element('button', { type: 'button', class: 'icon', 'aria-label': 'Start a new conversation', title: 'New conversation' }, '↻');
const closeButton = element('button', { type: 'button', class: 'icon', 'aria-label': 'Close chat', title: 'Close' }, '×');
const personButton = element('button', { type: 'button', class: 'icon', 'aria-label': 'Talk to a person', title: 'Talk to a person' });
personButton.innerHTML = '<svg viewBox="0 0 24 24" width="19" height="19" aria-hidden="true" fill="currentColor"><circle cx="12" cy="8" r="4"/><path d="M4 21a8 8 0 0 1 16 0z"/></svg>';
header.append(title, personButton, newButton, closeButton);
// Who answers (a person, or nobody yet), with a way back to the assistant while waiting.
const bar = element('div', { class: 'bar', role: 'status', 'aria-live': 'polite' });
const log = element('div', { class: 'log', role: 'log', 'aria-labelledby': 'chat-title', 'aria-live': 'polite', tabindex: '0' });
const starters = element('div', { class: 'starters', 'aria-label': 'Suggested questions', role: 'group' });
const status = element('div', { class: 'status', role: 'status', 'aria-live': 'assertive' });
const form = element('form', { 'aria-label': 'Send a message' });
const input = element('textarea', { id: 'message', rows: '1', maxlength: String(config.messageMaxChars), placeholder: 'Ask a question…', 'aria-label': 'Your message' });
const sendButton = element('button', { type: 'submit', class: 'send', 'aria-label': 'Send' }, '➤');
// Voice and images, when the widget offers them (their code loads on first use: see ./media.ts).
const micButton = element('button', { type: 'button', class: 'tool mic', 'aria-label': 'Record a voice message', 'aria-pressed': 'false', title: 'Hold to talk, or press to start and again to send' });
micButton.innerHTML = '<svg viewBox="0 0 24 24" width="19" height="19" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"><rect x="9" y="3" width="6" height="11" rx="3"/><path d="M5 11a7 7 0 0 0 14 0M12 18v3"/></svg>';
const attachButton = element('button', { type: 'button', class: 'tool', 'aria-label': 'Attach an image', title: 'Attach an image (PNG, JPEG or WebP)' });
attachButton.innerHTML = '<svg viewBox="0 0 24 24" width="19" height="19" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round"><rect x="3" y="5" width="18" height="14" rx="2"/><circle cx="9" cy="10" r="2"/><path d="M21 16l-5-5-8 8"/></svg>';
const fileInput = element('input', { type: 'file', accept: 'image/png,image/jpeg,image/webp', hidden: '', tabindex: '-1', 'aria-hidden': 'true' });
micButton.hidden = !config.media.voiceInput;
attachButton.hidden = !config.media.images;
form.append(fileInput, attachButton, micButton, input, sendButton);
app.append(header, bar, log, starters, status, form);

const linkPolicy = (sources: VisitorSource[]) => tenantLinkPolicy(config.allowedOrigins, sources.flatMap((source) => (source.url ? [source.url] : [])));

function scrollToEnd() {
  log.scrollTop = log.scrollHeight;
}

// Ids of what the log shows, so the live stream never repeats a message.
const shown = new Set<string>();

function bubble(role: 'user' | 'assistant', text?: string) {
  const node = element('div', { class: `msg ${role === 'user' ? 'user' : 'bot'}` });
  const body = element('div', { class: 'body' });
  if (text !== undefined) body.textContent = text;
  node.append(body);
  log.append(node);
  scrollToEnd();
  return { node, body };
}

/** A stored message from history or the live stream: the visitor's, the assistant's, a team member's, or a notice. */
function showMessage(message: VisitorMessage) {
  if (shown.has(message.id)) return;
  shown.add(message.id);
  if (message.role === 'user') {
    const { node } = bubble('user', message.content);
    if (message.spoken) node.classList.add('spoken');
    if (message.withImage) node.classList.add('with-image');
  }
  else if (message.role === 'notice') {
    log.append(element('p', { class: 'note' }, message.content));
    scrollToEnd();
  } else if (message.role === 'agent') {
    const node = element('div', { class: 'msg agent' });
    node.append(element('span', { class: 'author' }, message.author ?? 'Team'), element('div', { class: 'body' }, message.content));
    log.append(node);
    scrollToEnd();
  } else {
    const { node, body } = bubble('assistant');
    renderAnswer(node, body, message);
  }
}

/** An answer's body, numbered sources, citation tooltips and feedback buttons. */
function renderAnswer(node: HTMLElement, body: HTMLElement, message: Pick<VisitorMessage, 'id' | 'content' | 'sources' | 'feedback' | 'status'>) {
  body.innerHTML = renderMarkdown(message.content, linkPolicy(message.sources));
  node.querySelector('.sources')?.remove();
  node.querySelector('.feedback')?.remove();
  const byIndex = new Map(message.sources.map((source) => [String(source.index), source]));
  body.querySelectorAll<HTMLElement>('sup.citation').forEach((citation) => {
    const source = byIndex.get(citation.dataset.source ?? '');
    if (source) citation.title = sourceLabel(source);
    citation.setAttribute('aria-label', source ? `source ${citation.dataset.source}: ${sourceLabel(source)}` : `source ${citation.dataset.source}`);
  });
  if (message.sources.length > 0) {
    const list = element('ol', { class: 'sources', 'aria-label': 'Sources' });
    for (const source of message.sources) {
      const item = element('li', { value: String(source.index) });
      if (source.url && linkPolicy([source])(source.url)) {
        item.append(element('a', { href: source.url, target: '_blank', rel: 'noopener noreferrer' }, sourceLabel(source)));
      } else item.textContent = sourceLabel(source);
      list.append(item);
    }
    node.append(list);
  }
  if (message.status === 'complete') node.append(feedbackButtons(message.id, message.feedback));
  scrollToEnd();
}

function feedbackButtons(messageId: string, initial: 1 | -1 | null) {
  const group = element('div', { class: 'feedback', role: 'group', 'aria-label': 'Was this answer helpful?' });
  let current = initial;
  const buttons = ([
    [1, 'Helpful'],
    [-1, 'Not helpful'],
  ] as const).map(([value, label]) => {
    const button = element('button', { type: 'button', 'aria-label': label, title: label });
    // A thumb drawn here rather than an emoji, which not every system font has.
    button.innerHTML = `<svg viewBox="0 0 24 24" width="15" height="15" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round"${value === -1 ? ' transform="rotate(180)"' : ''}><path d="M7 10v11H3V10h4zm0 0l4-8a3 3 0 0 1 3 3v4h5.5a2 2 0 0 1 2 2.3l-1.4 8A2 2 0 0 1 18.1 21H7"/></svg>`;
    button.addEventListener('click', async () => {
      const next = current === value ? null : value;
      const response = await call('feedback', { method: 'POST', body: JSON.stringify({ messageId, value: next }) }).catch(() => undefined);
      if (response?.ok) {
        current = next;
        sync();
        if (next === -1) void refreshHandoff();
        announce(next === null ? 'Feedback removed.' : 'Thanks for the feedback.', undefined, 'info');
      } else announce('Your feedback could not be saved.');
    });
    return [value, button] as const;
  });
  const sync = () => buttons.forEach(([value, button]) => button.setAttribute('aria-pressed', String(current === value)));
  sync();
  group.append(...buttons.map(([, button]) => button));
  return group;
}

function announce(message: string, retry?: () => void, tone: 'error' | 'info' = 'error') {
  status.textContent = message;
  status.className = `status ${tone}`;
  if (retry) {
    const button = element('button', { type: 'button', class: 'retry' }, 'Retry');
    button.addEventListener('click', () => {
      status.textContent = '';
      retry();
    });
    status.append(' ', button);
  }
}

function showStarters(visible: boolean) {
  starters.replaceChildren();
  if (!visible) return;
  for (const question of config.starterQuestions) {
    const button = element('button', { type: 'button' }, question);
    button.addEventListener('click', () => void send(question));
    starters.append(button);
  }
}

function resetConversation() {
  log.replaceChildren();
  if (config.greeting) bubble('assistant', config.greeting).node.classList.add('greeting');
  showStarters(true);
}

// ---- API ----
let token = storedToken.get();
// The host page's visitor token (a JWT its server signed), from the loader: in the address
// fragment when the frame opens (never sent to a server), then by postMessage on changes.
let visitorToken: string | null = new URLSearchParams(location.hash.slice(1)).get('vt');
if (location.hash) history.replaceState(null, '', location.pathname + location.search);

function call(path: string, init: RequestInit = {}, contentType: string | null = 'application/json') {
  return fetch(`${api}/${path}`, {
    ...init,
    headers: {
      // null: the body says (a form's boundary).
      ...(contentType ? { 'Content-Type': contentType } : {}),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(visitorToken ? { [VISITOR_TOKEN_HEADER]: visitorToken } : {}),
    },
  });
}

async function errorOf(response: Response): Promise<WidgetApiError> {
  try {
    return (await response.json()) as WidgetApiError;
  } catch {
    return { error: 'Something went wrong. Please try again.', code: 'error' };
  }
}

function closeForGood(message: string) {
  announce(message);
  input.disabled = true;
  sendButton.disabled = micButton.disabled = attachButton.disabled = true;
  showStarters(false);
}

const isFinal = (code: string) => code === 'disabled' || code === 'not_found' || code === 'forbidden';

/** Why a request was refused; a refusal that will not change (chat off, site not allowed) also closes the input. */
function showRefusal({ error, code }: WidgetApiError, retry: () => void) {
  if (isFinal(code)) closeForGood(error);
  else announce(error, code === 'invalid' ? undefined : retry);
}

async function startSession(retry: () => void): Promise<boolean> {
  const response = await call('sessions', { method: 'POST', body: JSON.stringify({ hostOrigin: config.hostOrigin }) });
  if (!response.ok) {
    showRefusal(await errorOf(response), retry);
    return false;
  }
  token = ((await response.json()) as StartedSession).token;
  storedToken.set(token);
  return true;
}

/** A signed-in visitor without a conversation in this browser continues their latest one (from any device). */
async function resumeSession(): Promise<void> {
  if (token || !visitorToken) return;
  const response = await call('sessions', { method: 'POST', body: JSON.stringify({ hostOrigin: config.hostOrigin, resume: true }) }).catch(() => undefined);
  if (response?.status === 200) {
    token = ((await response.json()) as StartedSession).token;
    storedToken.set(token);
  } else if (response && !response.ok) showRefusal(await errorOf(response), () => void loadHistory());
}

// ---- People: handoff, offers, lead capture ----
let handoff: HandoffView | undefined;
let dismissedOffer = '';
let live: AbortController | undefined;
const card = element('div', { class: 'card' });

function button(label: string, onClick: () => void, primary = false) {
  const node = element('button', { type: 'button', class: primary ? 'primary' : '' }, label);
  node.addEventListener('click', onClick);
  return node;
}

function applyHandoff(next: HandoffView) {
  handoff = next;
  personButton.hidden = !next.handoffAvailable || next.status !== 'assistant';
  bar.replaceChildren();
  if (next.status === 'waiting') bar.append(element('span', {}, 'Waiting for a person from the team…'), button('Back to the assistant', () => void handoffAction({ action: 'cancel' })));
  if (next.status === 'assigned') bar.append(element('span', {}, `You are chatting with ${next.agentName ?? 'a team member'}.`));
  input.placeholder = next.status === 'assistant' ? 'Ask a question…' : 'Write to the team…';
  card.replaceChildren();
  card.remove();
  if (next.lead && !next.lead.captured) showLeadForm();
  else if (next.status === 'assistant' && next.offer && next.offer.messageId !== dismissedOffer) {
    const offer = next.offer;
    card.append(
      element('p', {}, offer.reason === 'no_answer' ? 'I could not find a good answer to that. Would you like to talk to a person?' : 'Sorry that did not help. Would you like to talk to a person?'),
      element('div', { class: 'row' }),
    );
    card.lastElementChild!.append(
      button('Talk to a person', () => void handoffAction({ action: 'request', acceptOffer: true }), true),
      button('No thanks', () => {
        dismissedOffer = offer.messageId;
        card.remove();
      }),
    );
    log.append(card);
    scrollToEnd();
  }
  if (next.status === 'assistant') live?.abort();
  else if (!live || live.signal.aborted) void followLive();
}

function showLeadForm() {
  const email = element('input', { type: 'email', 'aria-label': 'Your email', placeholder: 'you@example.com', autocomplete: 'email', maxlength: '320' });
  const note = element('textarea', { 'aria-label': 'A note for the team (optional)', placeholder: 'How can we help? (optional)', rows: '2', maxlength: '1000' });
  const send = button('Send email', async () => {
    send.disabled = true;
    const response = await call('lead', { method: 'POST', body: JSON.stringify({ email: email.value, note: note.value }) }).catch(() => undefined);
    send.disabled = false;
    if (response?.ok) applyHandoff((await response.json()) as HandoffView);
    else announce(response ? (await errorOf(response)).error : 'Your email could not be sent.');
  }, true);
  card.append(element('p', {}, handoff?.withinOfficeHours === false ? 'The team is away right now. Leave your email and they will get back to you.' : 'Nobody is free right now. Leave your email and the team will get back to you.'), email, note, send);
  log.append(card);
  scrollToEnd();
}

async function refreshHandoff() {
  if (!token) return;
  const response = await call('handoff').catch(() => undefined);
  if (response?.ok) applyHandoff((await response.json()) as HandoffView);
}

async function handoffAction(body: { action: 'request'; acceptOffer?: boolean } | { action: 'cancel' }) {
  card.remove();
  if (!token && !(await startSession(() => void handoffAction(body)))) return;
  const response = await call('handoff', { method: 'POST', body: JSON.stringify(body) }).catch(() => undefined);
  if (!response) return announce('Could not reach the team. Please try again.');
  if (!response.ok) {
    const refusal = await errorOf(response);
    if (refusal.code === 'forbidden') personButton.hidden = true;
    return announce(refusal.error);
  }
  applyHandoff((await response.json()) as HandoffView);
}

/** While a person is involved: their replies and notices as they happen (server-sent events over fetch). */
async function followLive() {
  live?.abort();
  const controller = (live = new AbortController());
  const last = [...shown].length ? log.lastElementChild?.getAttribute('data-at') : undefined;
  try {
    const response = await fetch(`${api}/live?since=${encodeURIComponent(last ?? new Date(Date.now() - 60_000).toISOString())}`, {
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(visitorToken ? { [VISITOR_TOKEN_HEADER]: visitorToken } : {}) },
      signal: controller.signal,
    });
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffered += value;
      const blocks = buffered.split('\n\n');
      buffered = blocks.pop()!;
      for (const block of blocks) {
        if (!block.startsWith('data: ')) continue;
        const event = JSON.parse(block.slice(6)) as LiveEvent;
        if (event.type === 'message') showMessage(event.message);
        else applyHandoff(event.state);
      }
    }
  } catch {
    if (controller.signal.aborted) return;
  }
  // The stream ends every few minutes (or dropped): reconnect while a person is involved.
  if (live === controller && handoff && handoff.status !== 'assistant') setTimeout(() => live === controller && void followLive(), 1000);
}

let busy = false;

/** What the visitor sends: typed text, a voice clip (its transcript comes back first) or an image. */
type Outgoing = {
  /** The visitor's bubble until the server has it (text, "voice message", the image). */
  show: (body: HTMLElement) => void;
  post: () => Promise<Response>;
  /** A voice clip or an image the server refused is not the conversation's: its bubble goes. */
  dropOnRefusal?: boolean;
};

const send = (text: string) => {
  const content = text.trim();
  if (!content) return;
  return exchange({ show: (body) => (body.textContent = content), post: () => call('messages', { method: 'POST', body: JSON.stringify({ content }) }) });
};

async function exchange(outgoing: Outgoing, isRetryAfterExpiry = false): Promise<void> {
  if (busy) return;
  busy = true;
  sendButton.disabled = micButton.disabled = attachButton.disabled = true;
  status.textContent = '';
  showStarters(false);
  const question = isRetryAfterExpiry ? undefined : bubble('user');
  if (question) outgoing.show(question.body);
  const answer = bubble('assistant');
  answer.node.setAttribute('aria-busy', 'true');
  answer.body.innerHTML = '<span class="typing" aria-hidden="true"><i></i><i></i><i></i></span><span class="sr">The assistant is typing</span>';
  const retry = () => {
    question?.node.remove();
    void exchange(outgoing);
  };
  let voice: AnswerPlayer | undefined;
  try {
    if (!token && !(await startSession(retry))) {
      answer.node.remove();
      return;
    }
    const response = await outgoing.post();
    if (response.status === 202) {
      // A person has (or is about to take) the conversation: it went to the team, the assistant stays silent.
      answer.node.remove();
      const { message } = (await response.json()) as { message: VisitorMessage };
      shown.add(message.id);
      if (question) question.body.textContent = message.content;
      await refreshHandoff();
      return;
    }
    if (!response.ok) {
      answer.node.remove();
      const refusal = await errorOf(response);
      if (refusal.code === 'invalid_session' && !isRetryAfterExpiry) {
        // The conversation was deleted or the token is stale: carry on in a new one.
        token = null;
        storedToken.set(null);
        busy = false;
        return exchange(outgoing, true);
      }
      if (outgoing.dropOnRefusal) question?.node.remove();
      showRefusal(refusal, retry);
      return;
    }
    let streamed = '';
    let sources: VisitorSource[] = [];
    let frame = 0;
    for await (const event of readReplyEvents(response.body!)) {
      if (event.type === 'sources') sources = event.sources;
      else if (event.type === 'transcript') {
        // What was heard is always shown: the visitor can see it was understood.
        if (question) {
          question.body.textContent = event.text;
          question.node.classList.add('spoken');
        }
      } else if (event.type === 'audio') {
        voice ??= (await loadMedia()).player();
        speaking = voice;
        voice.enqueue(event.data);
      } else if (event.type === 'text') {
        streamed += event.delta;
        // Re-rendered at most once a frame, however fast the deltas arrive.
        cancelAnimationFrame(frame);
        frame = requestAnimationFrame(() => renderAnswer(answer.node, answer.body, { id: '', content: streamed, sources, feedback: null, status: 'streaming' }));
      } else if (event.type === 'start') {
        shown.add(event.userMessageId).add(event.messageId);
      } else if (event.type === 'done') {
        cancelAnimationFrame(frame);
        void refreshHandoff();
        renderAnswer(answer.node, answer.body, { id: event.messageId, content: event.content, sources, feedback: null, status: event.status });
        answer.node.removeAttribute('aria-busy');
        if (event.status === 'failed') announce('The assistant could not answer this time.', retry);
      }
    }
  } catch {
    answer.node.remove();
    // The server finishes and stores the reply even when the connection drops, so a retry
    // first reloads the conversation instead of asking again.
    announce('The connection was lost.', () => void loadHistory());
  } finally {
    answer.node.removeAttribute('aria-busy');
    busy = false;
    sendButton.disabled = micButton.disabled = attachButton.disabled = input.disabled;
  }
}

// ---- Voice and images (loaded on first use) ----
let media: Promise<MediaHelpers> | undefined;
function loadMedia(): Promise<MediaHelpers> {
  return (media ??= new Promise<MediaHelpers>((resolve, reject) => {
    const script = element('script', { src: '/widget-media.js' });
    script.onload = () => resolve((window as unknown as Record<string, MediaHelpers>)[MEDIA_GLOBAL]!);
    script.onerror = () => {
      media = undefined;
      reject(new Error('Voice and images could not be loaded. Please try again.'));
    };
    document.head.append(script);
  }));
}

/** The answer being spoken, stopped when the visitor starts talking again. */
let speaking: AnswerPlayer | undefined;
let voiceState: 'idle' | 'starting' | 'recording' = 'idle';
let recording: Recording | undefined;
let stopWhenStarted = false;

function setRecording(on: boolean) {
  micButton.setAttribute('aria-pressed', String(on));
  micButton.setAttribute('aria-label', on ? 'Stop recording and send' : 'Record a voice message');
  micButton.classList.toggle('on', on);
}

async function startVoice() {
  if (voiceState !== 'idle' || busy) return;
  voiceState = 'starting';
  speaking?.stop();
  try {
    recording = await (await loadMedia()).record({ maxSeconds: config.media.maxClipSeconds, onLimit: () => void stopVoice() });
  } catch (error) {
    voiceState = 'idle';
    stopWhenStarted = false;
    return announce(error instanceof Error ? error.message : 'The microphone could not be started.');
  }
  voiceState = 'recording';
  setRecording(true);
  announce(`Recording (up to ${config.media.maxClipSeconds} seconds). Press the microphone again to send.`, undefined, 'info');
  if (stopWhenStarted) void stopVoice();
}

async function stopVoice() {
  if (voiceState === 'starting') {
    stopWhenStarted = true;
    return;
  }
  if (voiceState !== 'recording' || !recording) return;
  const current = recording;
  recording = undefined;
  voiceState = 'idle';
  stopWhenStarted = false;
  setRecording(false);
  announce('Sending your voice message…', undefined, 'info');
  const clip = await current.stop();
  const speak = config.media.voiceReplies ? '' : '?speak=0';
  await exchange({
    show: (body) => {
      body.textContent = 'Voice message…';
      body.parentElement!.classList.add('spoken');
    },
    post: () => call(`voice${speak}`, { method: 'POST', body: clip.blob }, clip.type),
    dropOnRefusal: true,
  });
}

// Push to talk: hold the button (pointer), or press it once to start and again to send
// (pointer or keyboard: Enter and Space click a button).
const HOLD_MS = 400;
let pressedAt = 0;
let ignoreClick = false;
micButton.addEventListener('pointerdown', (event) => {
  if (event.button !== 0 || voiceState !== 'idle') return;
  pressedAt = Date.now();
  ignoreClick = true;
  void startVoice();
});
micButton.addEventListener('pointerup', () => {
  if (pressedAt && Date.now() - pressedAt > HOLD_MS) void stopVoice();
  pressedAt = 0;
});
micButton.addEventListener('click', () => {
  if (ignoreClick) {
    ignoreClick = false;
    return;
  }
  if (voiceState === 'idle') void startVoice();
  else void stopVoice();
});

attachButton.addEventListener('click', () => fileInput.click());
fileInput.addEventListener('change', () => {
  const file = fileInput.files?.[0];
  fileInput.value = '';
  if (!file) return;
  if (!['image/png', 'image/jpeg', 'image/webp'].includes(file.type)) return announce('Attach a PNG, JPEG or WebP image.');
  if (file.size > config.media.maxImageBytes) return announce(`Images can be at most ${Math.round(config.media.maxImageBytes / 1048576)} MB.`);
  // The question typed so far goes with the image.
  const content = input.value.trim();
  input.value = '';
  const preview = URL.createObjectURL(file);
  void exchange({
    show: (body) => {
      const image = element('img', { src: preview, alt: 'Your image', class: 'shot' });
      body.append(image);
      if (content) body.append(element('p', {}, content));
    },
    post: () => {
      const upload = new FormData();
      upload.set('image', file, file.name);
      if (content) upload.set('content', content);
      return call('images', { method: 'POST', body: upload }, null);
    },
    dropOnRefusal: true,
  });
});

async function loadHistory() {
  live?.abort();
  shown.clear();
  await resumeSession();
  if (!token) {
    resetConversation();
    return applyHandoff({ status: 'assistant', handoffAvailable: handoff?.handoffAvailable ?? true, withinOfficeHours: true });
  }
  const response = await call('messages').catch(() => undefined);
  if (!response) return announce('Could not load the conversation.', () => void loadHistory());
  if (!response.ok) {
    const { error, code } = await errorOf(response);
    if (isFinal(code) || code.startsWith('visitor_')) return closeForGood(error);
    token = null;
    storedToken.set(null);
    return loadHistory();
  }
  const { messages, token: renewed } = (await response.json()) as VisitorHistory;
  if (renewed) storedToken.set((token = renewed));
  resetConversation();
  showStarters(messages.length === 0);
  for (const message of messages) {
    showMessage(message);
    log.lastElementChild?.setAttribute('data-at', message.at);
  }
  await refreshHandoff();
}

// ---- Events ----
form.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = input.value;
  input.value = '';
  void send(text);
});
input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    form.requestSubmit();
  }
});
newButton.addEventListener('click', () => {
  token = null;
  storedToken.set(null);
  status.textContent = '';
  live?.abort();
  shown.clear();
  resetConversation();
  applyHandoff({ status: 'assistant', handoffAvailable: handoff?.handoffAvailable ?? true, withinOfficeHours: true });
  input.focus();
});
personButton.addEventListener('click', () => void handoffAction({ action: 'request' }));

// The signed-in user as the host page says (unverified here: only to tell whether the person changed).
const subjectOf = (jwt: string | null) => {
  try {
    return jwt ? (JSON.parse(atob(jwt.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { sub?: string }).sub : undefined;
  } catch {
    return undefined;
  }
};
window.addEventListener('message', (event) => {
  const data = event.data as { type?: string; token?: string | null } | null;
  if (event.source !== parent || event.origin !== config.hostOrigin || data?.type !== VISITOR_MESSAGE) return;
  const samePerson = subjectOf(data.token ?? null) === subjectOf(visitorToken);
  visitorToken = data.token ?? null;
  if (samePerson) return;
  // Another person (or signed out): this browser's conversation is not theirs.
  token = null;
  storedToken.set(null);
  status.textContent = '';
  input.disabled = false;
  sendButton.disabled = micButton.disabled = attachButton.disabled = false;
  void loadHistory();
});
const close = () => {
  // Closing the chat stops the microphone and the spoken answer: nothing records or talks unseen.
  recording?.cancel();
  recording = undefined;
  if (voiceState === 'recording') {
    voiceState = 'idle';
    setRecording(false);
    status.textContent = '';
  }
  speaking?.stop();
  parent.postMessage(CLOSE_MESSAGE, config.hostOrigin);
};
closeButton.addEventListener('click', close);
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') close();
});

void loadHistory().then(() => input.focus());
