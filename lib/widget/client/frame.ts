// The visitor chat inside the widget's iframe (served by app/widget/[widgetId]/route.ts).
// Plain DOM code, no framework, so the bundle stays far inside its 40 KB gzipped budget.
// Model output only ever reaches the page through renderMarkdown (escape-first).
import { readReplyEvents } from '@/lib/chat/protocol';
import { renderMarkdown, tenantLinkPolicy } from '@/lib/chat/markdown';
import { sourceLabel } from '@/lib/chat/source-label';
import { CLOSE_MESSAGE, type FrameBootstrap, type StartedSession, type VisitorHistory, type VisitorMessage, type VisitorSource, type WidgetApiError } from './types';

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
header.append(title, newButton, closeButton);
const log = element('div', { class: 'log', role: 'log', 'aria-labelledby': 'chat-title', 'aria-live': 'polite', tabindex: '0' });
const starters = element('div', { class: 'starters', 'aria-label': 'Suggested questions', role: 'group' });
const status = element('div', { class: 'status', role: 'status', 'aria-live': 'assertive' });
const form = element('form', { 'aria-label': 'Send a message' });
const input = element('textarea', { id: 'message', rows: '1', maxlength: String(config.messageMaxChars), placeholder: 'Ask a question…', 'aria-label': 'Your message' });
const sendButton = element('button', { type: 'submit', class: 'send', 'aria-label': 'Send' }, '➤');
form.append(input, sendButton);
app.append(header, log, starters, status, form);

const linkPolicy = (sources: VisitorSource[]) => tenantLinkPolicy(config.allowedOrigins, sources.flatMap((source) => (source.url ? [source.url] : [])));

function scrollToEnd() {
  log.scrollTop = log.scrollHeight;
}

function bubble(role: 'user' | 'assistant', text?: string) {
  const node = element('div', { class: `msg ${role === 'user' ? 'user' : 'bot'}` });
  const body = element('div', { class: 'body' });
  if (text !== undefined) body.textContent = text;
  node.append(body);
  log.append(node);
  scrollToEnd();
  return { node, body };
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

function call(path: string, init: RequestInit = {}) {
  return fetch(`${api}/${path}`, {
    ...init,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
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
  sendButton.disabled = true;
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

let busy = false;

async function send(text: string, isRetryAfterExpiry = false): Promise<void> {
  const content = text.trim();
  if (!content || busy) return;
  busy = true;
  sendButton.disabled = true;
  status.textContent = '';
  showStarters(false);
  const question = isRetryAfterExpiry ? undefined : bubble('user', content);
  const answer = bubble('assistant');
  answer.node.setAttribute('aria-busy', 'true');
  answer.body.innerHTML = '<span class="typing" aria-hidden="true"><i></i><i></i><i></i></span><span class="sr">The assistant is typing</span>';
  const retry = () => {
    question?.node.remove();
    void send(content);
  };
  try {
    if (!token && !(await startSession(retry))) {
      answer.node.remove();
      return;
    }
    const response = await call('messages', { method: 'POST', body: JSON.stringify({ content }) });
    if (!response.ok) {
      answer.node.remove();
      const refusal = await errorOf(response);
      if (refusal.code === 'invalid_session' && !isRetryAfterExpiry) {
        // The conversation was deleted or the token is stale: carry on in a new one.
        token = null;
        storedToken.set(null);
        busy = false;
        return send(content, true);
      }
      showRefusal(refusal, retry);
      return;
    }
    let streamed = '';
    let sources: VisitorSource[] = [];
    let frame = 0;
    for await (const event of readReplyEvents(response.body!)) {
      if (event.type === 'sources') sources = event.sources;
      else if (event.type === 'text') {
        streamed += event.delta;
        // Re-rendered at most once a frame, however fast the deltas arrive.
        cancelAnimationFrame(frame);
        frame = requestAnimationFrame(() => renderAnswer(answer.node, answer.body, { id: '', content: streamed, sources, feedback: null, status: 'streaming' }));
      } else if (event.type === 'done') {
        cancelAnimationFrame(frame);
        renderAnswer(answer.node, answer.body, { id: event.messageId, content: event.content, sources, feedback: null, status: event.status });
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
    sendButton.disabled = input.disabled;
  }
}

async function loadHistory() {
  if (!token) return resetConversation();
  const response = await call('messages').catch(() => undefined);
  if (!response) return announce('Could not load the conversation.', () => void loadHistory());
  if (!response.ok) {
    const { error, code } = await errorOf(response);
    if (isFinal(code)) return closeForGood(error);
    token = null;
    storedToken.set(null);
    return resetConversation();
  }
  const { messages, token: renewed } = (await response.json()) as VisitorHistory;
  if (renewed) storedToken.set((token = renewed));
  resetConversation();
  showStarters(messages.length === 0);
  for (const message of messages) {
    if (message.role === 'user') bubble('user', message.content);
    else {
      const { node, body } = bubble('assistant');
      renderAnswer(node, body, message);
    }
  }
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
  resetConversation();
  input.focus();
});
const close = () => parent.postMessage(CLOSE_MESSAGE, config.hostOrigin);
closeButton.addEventListener('click', close);
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') close();
});

void loadHistory().then(() => input.focus());
