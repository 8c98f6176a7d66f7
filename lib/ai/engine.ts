import 'server-only';
import { APICallError, RetryError, streamText } from 'ai';
import { countTokens } from 'gpt-tokenizer';
import { failInterruptedReplies, finishReply, getSessionById, listRecentMessages, startExchange } from '@/db/queries/conversations';
import { getOpenHandoff, getSupportSettings } from '@/db/queries/handoffs';
import { getVisitorById } from '@/db/queries/visitors';
import { getPersonalityForReply } from '@/db/queries/personalities';
import { getTenantById } from '@/db/queries/tenants';
import { getWidget } from '@/db/queries/widgets';
import type { AnswerStatus, MessageMetadata, MessageSource } from '@/db/schema';
import { tenants } from '@/db/schema';
import { withSystem, withTenantId } from '@/db/withTenant';
import { encodeReplyEvent, type ReplyEvent, type ReplyMode, type ReplySource } from '@/lib/chat/protocol';
import { reserveSpend, settleReservation, SPEND_REFUSAL_MESSAGES, type SpendScope } from '@/lib/costs/budget';
import { estimateCost, recordLlmCost } from '@/lib/costs/events';
import { type Env, getEnv } from '@/lib/env';
import { embedQuery, searchKnowledge } from '@/lib/knowledge/retrieve';
import type { SearchHit } from '@/lib/knowledge/search';
import { languageModel, type ModelInfo, resolveModel } from './models';
import { type AnswerPolicy, buildPrompt, citedPassages, type HistoryTurn, type PromptPassage, type VisitorProfile } from './prompt';
import { declinesWithoutModel, modelAnswerStatus, modelCallSettings, PASSAGES_PER_REPLY, RETRIEVAL_ONLY_PASSAGES } from './reply-policy';
import { excerpt, noAnswerReply, retrievalOnlyAnswer } from './retrieval-only';

// The one entry point for an assistant reply, whoever asks (dashboard playground, public
// widget, API). Order matters for "no lost messages": the visitor's message and an empty
// reply are committed before anything slow happens; the reply is then produced in the
// background, independent of whether anyone is still reading the stream, and always ends
// stored as complete or failed.

const HISTORY_MESSAGES = 20;
const MAX_HISTORY_TOKENS = 3_000;
// Room kept free in the context for the system prompt's rules and message framing.
const PROMPT_OVERHEAD_TOKENS = 600;
const QUERY_EMBEDDING_TIMEOUT_MS = 15_000;

export const FALLBACK_REPLY = 'Sorry, I could not answer just now. Please try again in a moment.';

/** The request cannot be answered at all (nothing is stored). */
export class ReplyRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplyRequestError';
  }
}

/**
 * Who reads the stream: a workspace member (the playground) sees the model, tokens and cost
 * of each reply; a visitor sees the answer and its sources only.
 */
export type ReplyAudience = 'member' | 'visitor';

/** A person owns the conversation (or the visitor is waiting for one): the assistant stays silent. */
export class AssistantSilencedError extends Error {
  constructor() {
    super('A person from the team is handling this conversation.');
    this.name = 'AssistantSilencedError';
  }
}

/**
 * `speaker`: who said it, for meeting transcripts; `questionMetadata`: more about how the
 * question was asked (a spoken clip's length). Both are stored on the question.
 */
export type ReplyRequest = {
  tenantId: string;
  sessionId: string;
  content: string;
  audience: ReplyAudience;
  speaker?: string;
  questionMetadata?: Pick<MessageMetadata, 'voiceSeconds'>;
};

type PreparedReply = ReplyRequest & {
  startedAt: number;
  replyId: string;
  userMessageId: string;
  systemPrompt: string;
  settings: { temperature: number; topP: number; frequencyPenalty: number; presencePenalty: number; maxTokens: number };
  preferredModel: string | null;
  policy: AnswerPolicy;
  fallbackMessage: string | null;
  history: HistoryTurn[];
  linkOrigins: string[];
  /** The limits the model call is reserved against (the widget's own, for widget sessions). */
  spendScope: SpendScope;
  visitorProfile?: VisitorProfile;
};

/** What a visitor can do when the assistant has no answer: a person (when the team takes conversations over), the widget's contact address. */
function alternativesFor(widget: { settings: { contactEmail?: string } } | undefined, handoffEnabled: boolean): string[] {
  if (!widget) return [];
  const email = widget.settings.contactEmail;
  return [...(handoffEnabled ? ['ask to talk to a person from the team'] : []), ...(email ? [`email the team at ${email}`] : [])];
}

async function prepareReply(request: ReplyRequest): Promise<PreparedReply> {
  const startedAt = performance.now();
  return withTenantId(request.tenantId, async (tx) => {
    const session = await getSessionById(tx, request.tenantId, request.sessionId);
    if (!session) throw new ReplyRequestError('This conversation does not exist.');
    // Checked in the transaction that stores the message, so no reply starts once a handoff is open.
    if (await getOpenHandoff(tx, request.tenantId, request.sessionId)) throw new AssistantSilencedError();
    const [personality, tenant, widget, earlier] = [
      await getPersonalityForReply(tx, request.tenantId, session.personalityId),
      await getTenantById(tx, request.tenantId),
      session.widgetId ? await getWidget(tx, request.tenantId, session.widgetId) : undefined,
      await listRecentMessages(tx, request.tenantId, request.sessionId, HISTORY_MESSAGES),
    ];
    const visitor = session.visitorId ? await getVisitorById(tx, request.tenantId, session.visitorId) : undefined;
    const handoffEnabled = widget ? (await getSupportSettings(tx, request.tenantId)).handoffEnabled : false;
    if (!personality || !tenant) throw new ReplyRequestError('This workspace has no assistant personality.');
    const { question, reply } = await startExchange(tx, request.tenantId, request.sessionId, request.content, {
      ...request.questionMetadata,
      ...(request.speaker ? { speaker: request.speaker } : {}),
    });
    return {
      ...request,
      startedAt,
      replyId: reply.id,
      userMessageId: question.id,
      systemPrompt: personality.systemPrompt,
      settings: modelCallSettings(personality),
      preferredModel: personality.preferredModel,
      policy: { allowGeneralKnowledge: personality.allowGeneralKnowledge, alternatives: alternativesFor(widget, handoffEnabled) },
      fallbackMessage: personality.fallbackMessage,
      // Failed replies are apologies, not knowledge: they are left out of the history. A team
      // member's replies (handoff) are the conversation's side too, so the assistant taking
      // back over knows what was said.
      history: earlier
        .filter((message) => message.role !== 'system' && message.status === 'complete' && message.content)
        .map((message) => ({ role: message.role === 'user' ? 'user' : 'assistant', content: message.content })),
      visitorProfile: visitor
        ? { id: visitor.externalId, name: visitor.name, email: visitor.email, emailVerified: visitor.emailVerified, attributes: visitor.attributes }
        : undefined,
      // The sites the answer may link to: the workspace's, and the site the widget lives on.
      linkOrigins: [...new Set([...tenant.allowedDomains, ...(widget?.allowedOrigins ?? [])])],
      spendScope: {
        tenantId: request.tenantId,
        sessionId: request.sessionId,
        widget: widget && { id: widget.id, dailySpendCapUsd: widget.settings.dailySpendCapUsd, visitorDailySpendCapUsd: widget.settings.visitorDailySpendCapUsd },
      },
    };
  });
}

function toPassages(hits: SearchHit[]): Array<PromptPassage & { source: MessageSource; reply: ReplySource }> {
  return hits.map((hit, position) => {
    const index = position + 1;
    const url = hit.sourceUrl ?? undefined;
    return {
      index,
      title: hit.title,
      headingPath: hit.headingPath,
      content: hit.content,
      source: { index, documentId: hit.documentId, chunkId: hit.chunkId, title: hit.title, headingPath: hit.headingPath, url },
      reply: { index, documentId: hit.documentId, title: hit.title, headingPath: hit.headingPath, url, excerpt: excerpt(hit.content, 300) },
    };
  });
}

type ModelOutcome = { content: string; inputTokens: number; outputTokens: number };
type ModelPrompt = ReturnType<typeof buildPrompt> & { maxOutputTokens: number; inputTokens: number };

// Tokens a chat API adds around each message (role and separators), on top of its text.
const MESSAGE_FRAMING_TOKENS = 4;

/**
 * A model call that failed after the provider started answering: the provider has billed the
 * prompt and whatever it streamed, so that is what is recorded (counted here, as it reported
 * nothing).
 */
class PartialModelCallError extends Error {
  constructor(
    readonly cause: unknown,
    readonly usage: { inputTokens: number; outputTokens: number },
  ) {
    super(describeError(cause));
    this.name = 'PartialModelCallError';
  }
}

/**
 * The provider answered the request with an error status (after the retry): it did no work,
 * so nothing is billed. Anything else that ends a call (a stall, a broken stream) happened
 * after the provider accepted it and is billed as counted.
 */
function wasRefusedByProvider(cause: unknown): boolean {
  const last = RetryError.isInstance(cause) ? cause.lastError : cause;
  return APICallError.isInstance(last) && last.statusCode !== undefined;
}

function buildModelPrompt(prepared: PreparedReply, model: ModelInfo, passages: PromptPassage[]): ModelPrompt {
  const maxOutputTokens = Math.min(prepared.settings.maxTokens, model.maxOutputTokens);
  const prompt = buildPrompt({
    systemPrompt: prepared.systemPrompt,
    policy: prepared.policy,
    passages,
    history: prepared.history,
    question: prepared.content,
    visitorProfile: prepared.visitorProfile,
    historyTokenBudget: Math.min(
      MAX_HISTORY_TOKENS,
      model.contextTokens - maxOutputTokens - PROMPT_OVERHEAD_TOKENS - countTokens(prepared.systemPrompt) -
        passages.reduce((sum, passage) => sum + countTokens(passage.content), 0),
    ),
  });
  const inputTokens = [prompt.system, ...prompt.messages.map((message) => String(message.content))].reduce(
    (sum, text) => sum + countTokens(text) + MESSAGE_FRAMING_TOKENS,
    0,
  );
  return { ...prompt, maxOutputTokens, inputTokens };
}

async function callModel(prepared: PreparedReply, model: ModelInfo, prompt: ModelPrompt, emit: (event: ReplyEvent) => void, env: Env): Promise<ModelOutcome> {
  const result = streamText({
    model: languageModel(model, env),
    system: prompt.system,
    messages: prompt.messages,
    maxOutputTokens: prompt.maxOutputTokens,
    ...prepared.settings,
    // One retry on a transient failure (429, 5xx) before the stream starts.
    maxRetries: 1,
    // A stalled stream fails after a quarter of the budget without a chunk.
    timeout: { totalMs: env.LLM_TIMEOUT_MS, chunkMs: Math.ceil(env.LLM_TIMEOUT_MS / 4) },
    // Errors arrive as stream parts below and are logged once there.
    onError: () => {},
  });
  let content = '';
  // Set once the provider began its answer: it has billed the prompt from then on.
  let answering = false;
  const fail = (cause: unknown): never => {
    if (!answering && wasRefusedByProvider(cause)) throw cause;
    throw new PartialModelCallError(cause, { inputTokens: prompt.inputTokens, outputTokens: countTokens(content) });
  };
  for await (const part of result.fullStream) {
    if (part.type === 'start-step') answering = true;
    else if (part.type === 'text-delta') {
      content += part.text;
      emit({ type: 'text', delta: part.text });
    } else if (part.type === 'error') {
      fail(part.error);
    } else if (part.type === 'abort') {
      fail(new Error(`The model call was aborted${part.reason ? `: ${part.reason}` : ''}.`));
    } else if (part.type === 'finish') {
      if (!content.trim()) fail(new Error(`The model returned no text (finish reason: ${part.finishReason}).`));
      return { content, inputTokens: part.totalUsage.inputTokens ?? 0, outputTokens: part.totalUsage.outputTokens ?? 0 };
    }
  }
  return fail(new Error('The model stream ended without finishing.'));
}

function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.slice(0, 500);
}

async function produceReply(prepared: PreparedReply, model: ModelInfo | undefined, emit: (event: ReplyEvent) => void, env: Env) {
  const mode: ReplyMode = model ? 'model' : 'retrieval-only';
  const { tenantId, sessionId, replyId } = prepared;
  let sources: MessageSource[] = [];
  let stored: { content: string; status: 'complete' | 'failed'; answerStatus: AnswerStatus | null; metadata: MessageMetadata };
  // What the provider billed (reported, or counted for a call that broke off), and the money set aside for it.
  let billed: { inputTokens: number; outputTokens: number; estimated: boolean } | undefined;
  let reservationId: string | undefined;
  try {
    const query = await embedQuery(prepared.content, undefined, AbortSignal.timeout(QUERY_EMBEDDING_TIMEOUT_MS));
    const hits = await withTenantId(tenantId, (tx) =>
      searchKnowledge(tx, query, { tenantId, sessionId, limit: PASSAGES_PER_REPLY, operation: 'retrieve for a reply' }),
    );
    // Only passages above the relevance floor come back: none means the knowledge has no answer.
    const passages = toPassages(model ? hits : hits.slice(0, RETRIEVAL_ONLY_PASSAGES));
    sources = passages.map((passage) => passage.source);
    emit({ type: 'sources', sources: passages.map((passage) => passage.reply) });
    if (declinesWithoutModel(passages.length, Boolean(model), { fallbackMessage: prepared.fallbackMessage, allowGeneralKnowledge: prepared.policy.allowGeneralKnowledge })) {
      // An honest "I don't know" without spending a model call: the personality's own words.
      const content = noAnswerReply(prepared.fallbackMessage, prepared.policy.alternatives);
      emit({ type: 'text', delta: content });
      stored = { content, status: 'complete', answerStatus: 'no_match', metadata: { answerMode: mode } };
    } else if (!model) {
      const content = retrievalOnlyAnswer(passages);
      emit({ type: 'text', delta: content });
      stored = { content, status: 'complete', answerStatus: 'grounded', metadata: { answerMode: mode, citations: passages.map((passage) => passage.index) } };
    } else {
      // With no passage the model says it does not know in the personality's voice (or, where
      // allowed, answers from general knowledge): either way the question stays unanswered.
      const prompt = buildModelPrompt(prepared, model, passages);
      // The most this call can cost is set aside first, so concurrent replies cannot all
      // pass a limit that only one of them fits under.
      const reservation = await withTenantId(tenantId, async (tx) =>
        reserveSpend(tx, prepared.spendScope, await estimateCost(tx, { service: 'llm', model: model.id, inputTokens: prompt.inputTokens, outputTokens: prompt.maxOutputTokens })),
      );
      if ('refused' in reservation) {
        const content = SPEND_REFUSAL_MESSAGES[reservation.refused];
        emit({ type: 'text', delta: content });
        stored = { content, status: 'failed', answerStatus: null, metadata: { answerMode: mode, error: `Spend limit reached (${reservation.refused}).` } };
      } else {
        reservationId = reservation.reservationId;
        const outcome = await callModel(prepared, model, prompt, emit, env);
        billed = { inputTokens: outcome.inputTokens, outputTokens: outcome.outputTokens, estimated: false };
        const citations = citedPassages(outcome.content, passages.length);
        stored = {
          content: outcome.content,
          status: 'complete',
          answerStatus: modelAnswerStatus(passages.length, citations.length),
          metadata: { answerMode: mode, citations, provider: model.provider, model: model.id, inputTokens: outcome.inputTokens, outputTokens: outcome.outputTokens },
        };
      }
    }
  } catch (error) {
    if (error instanceof PartialModelCallError) billed = { ...error.usage, estimated: true };
    const cause = error instanceof PartialModelCallError ? error.cause : error;
    console.error('Reply failed', { tenantId, sessionId, replyId, error: describeError(cause) });
    stored = {
      content: FALLBACK_REPLY,
      status: 'failed',
      answerStatus: null,
      metadata: { answerMode: mode, provider: model?.provider, model: model?.id, inputTokens: billed?.inputTokens, outputTokens: billed?.outputTokens, error: describeError(cause) },
    };
  }
  const latencyMs = Math.round(performance.now() - prepared.startedAt);
  const metadata: MessageMetadata = { ...stored.metadata, latencyMs };
  // The model call's cost, the release of its reservation and the finished reply are committed together.
  await withTenantId(tenantId, async (tx) => {
    if (model && billed) {
      metadata.costUsd = await recordLlmCost(tx, {
        tenantId,
        sessionId,
        provider: model.provider,
        model: model.id,
        inputTokens: billed.inputTokens,
        outputTokens: billed.outputTokens,
        durationMs: latencyMs,
        operation: billed.estimated ? 'reply (broke off; usage counted, not reported)' : 'reply',
      });
    }
    if (reservationId) await settleReservation(tx, tenantId, reservationId);
    await finishReply(tx, tenantId, { id: replyId, sessionId, content: stored.content, status: stored.status, answerStatus: stored.answerStatus, sources, metadata });
  });
  emit({
    type: 'done',
    messageId: replyId,
    status: stored.status,
    content: stored.content,
    mode,
    model: metadata.model,
    inputTokens: metadata.inputTokens,
    outputTokens: metadata.outputTokens,
    costUsd: metadata.costUsd,
    latencyMs,
    answerStatus: stored.answerStatus ?? undefined,
    error: stored.status === 'failed' ? 'The assistant could not answer.' : undefined,
  });
}

/** What a visitor may see of an event: no model, token counts, costs or internal document ids. */
function forVisitor(event: ReplyEvent): ReplyEvent {
  if (event.type === 'sources') return { ...event, sources: event.sources.map(({ documentId: _, ...source }) => source) };
  if (event.type !== 'done') return event;
  const { model: _model, inputTokens: _input, outputTokens: _output, costUsd: _cost, ...visible } = event;
  return visible;
}

/**
 * Stores the message, then streams the reply as NDJSON reply events. Call it outside any
 * database scope. The reply is finished and stored even if the returned stream is cancelled.
 */
export async function streamReply(request: ReplyRequest, env: Env = getEnv()): Promise<ReadableStream<Uint8Array>> {
  const prepared = await prepareReply(request);
  const model = resolveModel(prepared.preferredModel, env);
  const encoder = new TextEncoder();
  let reader: ReadableStreamDefaultController<Uint8Array> | undefined;
  let readerGone = false;
  const emit = (event: ReplyEvent) => {
    if (readerGone || !reader) return;
    try {
      reader.enqueue(encoder.encode(encodeReplyEvent(request.audience === 'visitor' ? forVisitor(event) : event)));
    } catch {
      readerGone = true;
    }
  };
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      reader = controller;
    },
    cancel() {
      readerGone = true;
    },
  });
  emit({
    type: 'start',
    sessionId: request.sessionId,
    userMessageId: prepared.userMessageId,
    messageId: prepared.replyId,
    mode: model ? 'model' : 'retrieval-only',
    linkOrigins: prepared.linkOrigins,
  });
  void produceReply(prepared, model, emit, env)
    .catch((error: unknown) => console.error('Could not store a reply', { replyId: prepared.replyId, error: describeError(error) }))
    .finally(() => {
      if (!readerGone) reader?.close();
    });
  return stream;
}

/**
 * Closes replies left streaming by a process that died mid-answer (run when a worker starts).
 * Anything older than two full model timeouts cannot still be in progress anywhere.
 */
export async function closeInterruptedReplies(env: Env = getEnv()): Promise<number> {
  const tenantIds = await withSystem((tx) => tx.select({ id: tenants.id }).from(tenants));
  let closed = 0;
  for (const { id: tenantId } of tenantIds) {
    closed += await withTenantId(tenantId, (tx) => failInterruptedReplies(tx, tenantId, FALLBACK_REPLY, 2 * (env.LLM_TIMEOUT_MS + QUERY_EMBEDDING_TIMEOUT_MS)));
  }
  return closed;
}
