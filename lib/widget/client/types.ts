// Shapes exchanged between the public widget routes and the two browser bundles (the loader
// and the chat frame). Types only, so the bundles can import them for free.

export type WidgetTheme = 'light' | 'dark' | 'auto';

/** What any allowed host page may read about a widget (GET /api/widget/:id/config). */
export type WidgetPublicConfig = {
  id: string;
  name: string;
  theme: WidgetTheme;
  position: 'bottom-right' | 'bottom-left';
  primaryColor: string;
  secondaryColor: string;
  greeting: string;
  starterQuestions: string[];
  /** Whether the loader must wait for a visitor token before showing the chat. */
  identityMode: 'anonymous' | 'mixed' | 'verified';
};

/** Embedded in the frame page: the config plus what only the frame needs. */
export type FrameBootstrap = WidgetPublicConfig & {
  /** The embedding page's origin, vouched for by the browser through frame-ancestors. */
  hostOrigin: string;
  allowedOrigins: string[];
  messageMaxChars: number;
  media: FrameMedia;
};

/** Voice and images in the chat: on only when the owner turned them on and the service exists. */
export type FrameMedia = { voiceInput: boolean; voiceReplies: boolean; images: boolean; maxClipSeconds: number; maxImageBytes: number };

/** The lazily loaded voice and image helpers (public/widget-media.js) register themselves here. */
export const MEDIA_GLOBAL = '__assistantWidgetMedia';

export type VisitorSource = { index: number; title: string; headingPath: string[]; url?: string };

export type VisitorMessage = {
  id: string;
  /** `agent`: a team member writing in person; `notice`: a handoff event (someone joined, resolved...). */
  role: 'user' | 'assistant' | 'agent' | 'notice';
  /** The team member's name, for `agent` messages. */
  author?: string;
  /** ISO time, to order messages and notices. */
  at: string;
  content: string;
  status: 'pending' | 'streaming' | 'complete' | 'failed';
  sources: VisitorSource[];
  feedback: 1 | -1 | null;
  /** A visitor's message that was spoken (its text is the transcript), or that carried an image. */
  spoken?: true;
  withImage?: true;
};

export type StartedSession = { sessionId: string; token: string; resumed?: boolean };

/** Where the conversation stands with the team (GET /api/widget/:id/handoff and the live stream). */
export type HandoffView = {
  /** Who answers: the assistant, nobody yet (waiting for a person), or a team member. */
  status: 'assistant' | 'waiting' | 'assigned';
  agentName?: string;
  /** The assistant offers a person after two answers it could not ground, or a thumbs-down. */
  offer?: { reason: 'no_answer' | 'negative_feedback'; messageId: string };
  /** The frame asks for an email (outside office hours, or nobody picked up in time). */
  lead?: { captured: boolean };
  handoffAvailable: boolean;
  withinOfficeHours: boolean;
};

/** One event of the visitor's live stream (server-sent events, `data:` lines of JSON). */
export type LiveEvent = { type: 'state'; state: HandoffView } | { type: 'message'; message: VisitorMessage };

/** Header carrying the host page's visitor token (JWT) on every conversation request. */
export const VISITOR_TOKEN_HEADER = 'X-Visitor-Token';

/** Loader → frame: the host page called setVisitor (a token, or null when its user signed out). */
export const VISITOR_MESSAGE = 'assistant-widget:visitor';

/** The conversation so far; `token` replaces the stored one when the server renewed it. */
export type VisitorHistory = { messages: VisitorMessage[]; token?: string };

export type WidgetApiError = { error: string; code: string };

export const DEFAULT_PRIMARY_COLOR = '#4f46e5';
export const DEFAULT_SECONDARY_COLOR = '#ffffff';

/** The message a widget frame and its loader exchange with postMessage. */
export const CLOSE_MESSAGE = 'assistant-widget:close';
