'use client';

import { useRef, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Select } from '@/components/ui/field';
import { renderMarkdown, tenantLinkPolicy } from '@/lib/chat/markdown';
import { MAX_MESSAGE_CHARACTERS, type ReplyEvent, type ReplyMode, type ReplySource, readReplyEvents } from '@/lib/chat/protocol';
import { formatUsdExact } from '@/lib/format';

type Turn = {
  key: number;
  question: string;
  answer: string;
  status: 'streaming' | 'complete' | 'failed';
  mode?: ReplyMode;
  sources: ReplySource[];
  linkOrigins: string[];
  done?: Extract<ReplyEvent, { type: 'done' }>;
};

export type PlaygroundPersonality = { id: string; name: string; model: string };

export function PlaygroundChat({ personalities, initialPersonalityId }: { personalities: PlaygroundPersonality[]; initialPersonalityId: string }) {
  const [personalityId, setPersonalityId] = useState(initialPersonalityId);
  const [sessionId, setSessionId] = useState<string>();
  const [turns, setTurns] = useState<Turn[]>([]);
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  const input = useRef<HTMLTextAreaElement>(null);
  const personality = personalities.find((candidate) => candidate.id === personalityId);

  const update = (key: number, change: (turn: Turn) => Partial<Turn>) =>
    setTurns((current) => current.map((turn) => (turn.key === key ? { ...turn, ...change(turn) } : turn)));

  function startOver(nextPersonalityId = personalityId) {
    setPersonalityId(nextPersonalityId);
    setSessionId(undefined);
    setTurns([]);
    setProblem(undefined);
    input.current?.focus();
  }

  async function send(question: string) {
    if (!question.trim() || busy) return;
    const key = Date.now();
    setBusy(true);
    setProblem(undefined);
    setDraft('');
    setTurns((current) => [...current, { key, question, answer: '', status: 'streaming', sources: [], linkOrigins: [] }]);
    try {
      const response = await fetch('/api/playground/replies', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ personalityId, sessionId, content: question }),
      });
      if (!response.ok || !response.body) {
        const body = (await response.json().catch(() => ({}))) as { message?: string };
        throw new Error(body.message ?? `The playground answered ${response.status}.`);
      }
      for await (const event of readReplyEvents(response.body)) {
        if (event.type === 'start') {
          setSessionId(event.sessionId);
          update(key, () => ({ mode: event.mode, linkOrigins: event.linkOrigins }));
        } else if (event.type === 'sources') update(key, () => ({ sources: event.sources }));
        else if (event.type === 'text') update(key, (turn) => ({ answer: turn.answer + event.delta }));
        else if (event.type === 'done') update(key, () => ({ answer: event.content, status: event.status, done: event }));
      }
    } catch (error) {
      setTurns((current) => current.filter((turn) => turn.key !== key));
      setDraft(question);
      setProblem(error instanceof Error ? error.message : 'The reply could not be loaded.');
    } finally {
      setBusy(false);
      input.current?.focus();
    }
  }

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-end gap-3">
        <div className="flex flex-col gap-1.5">
          <label htmlFor="playground-personality" className="text-sm font-medium">Personality</label>
          <Select id="playground-personality" name="personality" className="w-64" value={personalityId} onChange={(event) => startOver(event.target.value)}>
            {personalities.map((option) => (
              <option key={option.id} value={option.id}>{option.name}</option>
            ))}
          </Select>
        </div>
        <p className="pb-2 text-sm text-slate-600 dark:text-slate-400">Answers with: <span className="font-medium">{personality?.model}</span></p>
        <Button variant="secondary" className="ml-auto" onClick={() => startOver()} disabled={busy || turns.length === 0}>New conversation</Button>
      </div>

      <ol className="flex flex-col gap-6" aria-live="polite" aria-busy={busy}>
        {turns.length === 0 && (
          <li className="rounded-lg border border-dashed border-slate-300 p-6 text-center text-sm text-slate-500 dark:border-slate-700">
            Ask what a visitor would ask. Each answer shows the passages it was given, its tokens, cost and time.
          </li>
        )}
        {turns.map((turn) => (
          <li key={turn.key} className="flex flex-col gap-3" data-testid="playground-turn">
            <p className="self-end whitespace-pre-wrap rounded-2xl rounded-br-sm bg-indigo-600 px-4 py-2 text-sm text-white">{turn.question}</p>
            <div className={`rounded-2xl rounded-bl-sm border px-4 py-3 text-sm ${turn.status === 'failed' ? 'border-red-300 bg-red-50 dark:border-red-900 dark:bg-red-950' : 'border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900'}`}>
              {turn.answer ? (
                <div
                  className="chat-markdown"
                  data-testid="playground-answer"
                  // renderMarkdown escapes all text and emits only its own tags (see lib/chat/markdown.ts).
                  dangerouslySetInnerHTML={{ __html: renderMarkdown(turn.answer, tenantLinkPolicy(turn.linkOrigins, turn.sources.flatMap((source) => (source.url ? [source.url] : [])))) }}
                />
              ) : (
                <p className="text-slate-500">Thinking…</p>
              )}
            </div>
            {turn.sources.length > 0 && (
              <details className="text-sm" open={turn.status !== 'streaming'}>
                <summary className="cursor-pointer font-medium text-slate-700 dark:text-slate-300">Retrieved passages ({turn.sources.length})</summary>
                <ol className="mt-2 flex flex-col gap-2" data-testid="playground-sources">
                  {turn.sources.map((source) => (
                    <li key={source.index} className="rounded-md bg-slate-50 px-3 py-2 dark:bg-slate-800/60">
                      <p className="font-medium">
                        [{source.index}] {[source.title, ...source.headingPath.filter((heading) => heading !== source.title)].join(' › ')}
                      </p>
                      <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">{source.excerpt}</p>
                    </li>
                  ))}
                </ol>
              </details>
            )}
            {turn.done && (
              <dl className="flex flex-wrap gap-x-5 gap-y-1 text-xs text-slate-600 dark:text-slate-400" data-testid="playground-metrics">
                <div className="flex gap-1"><dt>Mode</dt><dd className="font-medium">{turn.done.mode === 'retrieval-only' ? 'Retrieval-only' : turn.done.model}</dd></div>
                {turn.done.inputTokens !== undefined && (
                  <div className="flex gap-1"><dt>Tokens</dt><dd className="font-medium">{turn.done.inputTokens.toLocaleString('en-US')} in · {turn.done.outputTokens?.toLocaleString('en-US')} out</dd></div>
                )}
                <div className="flex gap-1"><dt>Cost</dt><dd className="font-medium">{formatUsdExact(turn.done.costUsd ?? '0')}</dd></div>
                <div className="flex gap-1"><dt>Latency</dt><dd className="font-medium">{turn.done.latencyMs.toLocaleString('en-US')} ms</dd></div>
                {turn.status === 'failed' && <div className="text-red-700 dark:text-red-400">{turn.done.error}</div>}
              </dl>
            )}
          </li>
        ))}
      </ol>

      <form
        className="flex flex-col gap-2"
        onSubmit={(event) => {
          event.preventDefault();
          void send(draft);
        }}
      >
        {problem && <p role="alert" className="text-sm text-red-700 dark:text-red-400">{problem}</p>}
        <label htmlFor="playground-message" className="sr-only">Message</label>
        <textarea
          id="playground-message"
          ref={input}
          rows={3}
          maxLength={MAX_MESSAGE_CHARACTERS}
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey) {
              event.preventDefault();
              void send(draft);
            }
          }}
          placeholder="Ask a question… (Enter to send, Shift+Enter for a new line)"
          className="w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-900"
        />
        <div>
          <Button type="submit" disabled={busy || !draft.trim()}>{busy ? 'Answering…' : 'Send'}</Button>
        </div>
      </form>
    </div>
  );
}
