// The wire format of a streamed assistant reply, shared by the engine, the dashboard playground
// and the widget frame. Newline-delimited JSON: one event per line, so a client needs no
// library to read it and a proxy cannot merge two events. Dependency-free on purpose: the
// widget frame bundles this file and has a 40 KB budget.

/** The longest message a visitor or a playground user may send. */
export const MAX_MESSAGE_CHARACTERS = 4000;

export const REPLY_CONTENT_TYPE = 'application/x-ndjson; charset=utf-8';

export type ReplySource = {
  /** The number the answer cites as [n]. */
  index: number;
  /** Members only (the playground); never sent to visitors. */
  documentId?: string;
  title: string;
  headingPath: string[];
  /** The web page the document was imported from, when it has one. */
  url?: string;
  /** The passage itself, shown on demand. */
  excerpt: string;
};

export type ReplyMode = 'model' | 'retrieval-only';

export type ReplyEvent =
  | {
      type: 'start';
      sessionId: string;
      userMessageId: string;
      messageId: string;
      mode: ReplyMode;
      /** Origins links in the reply may point to (the tenant's sites); see tenantLinkPolicy. */
      linkOrigins: string[];
    }
  /** A spoken question, as heard: shown as the visitor's message (widget voice clips). */
  | { type: 'transcript'; text: string }
  /** Part of the reply as speech, in order (base64 WAV), while the text streams (widget voice replies). */
  | { type: 'audio'; mediaType: 'audio/wav'; data: string }
  | { type: 'sources'; sources: ReplySource[] }
  | { type: 'text'; delta: string }
  | {
      type: 'done';
      messageId: string;
      status: 'complete' | 'failed';
      /** The full stored reply; replaces what the deltas built (a fallback may differ). */
      content: string;
      mode: ReplyMode;
      /** Model, tokens and cost: members only (the playground); never sent to visitors. */
      model?: string;
      inputTokens?: number;
      outputTokens?: number;
      costUsd?: string;
      latencyMs: number;
      /** grounded, no_match (the knowledge has no answer) or uncited (an answer that cites nothing). */
      answerStatus?: 'grounded' | 'no_match' | 'uncited';
      error?: string;
    };

export function encodeReplyEvent(event: ReplyEvent): string {
  return `${JSON.stringify(event)}\n`;
}

/** Reads a reply stream event by event; tolerates events split across network chunks. */
export async function* readReplyEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ReplyEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    buffered += decoder.decode(value, { stream: !done });
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line) yield JSON.parse(line) as ReplyEvent;
    }
    if (done) return;
  }
}
