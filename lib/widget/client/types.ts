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
};

/** Embedded in the frame page: the config plus what only the frame needs. */
export type FrameBootstrap = WidgetPublicConfig & {
  /** The embedding page's origin, vouched for by the browser through frame-ancestors. */
  hostOrigin: string;
  allowedOrigins: string[];
  messageMaxChars: number;
};

export type VisitorSource = { index: number; title: string; headingPath: string[]; url?: string };

export type VisitorMessage = {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  status: 'pending' | 'streaming' | 'complete' | 'failed';
  sources: VisitorSource[];
  feedback: 1 | -1 | null;
};

export type StartedSession = { sessionId: string; token: string };

/** The conversation so far; `token` replaces the stored one when the server renewed it. */
export type VisitorHistory = { messages: VisitorMessage[]; token?: string };

export type WidgetApiError = { error: string; code: string };

export const DEFAULT_PRIMARY_COLOR = '#4f46e5';
export const DEFAULT_SECONDARY_COLOR = '#ffffff';

/** The message a widget frame and its loader exchange with postMessage. */
export const CLOSE_MESSAGE = 'assistant-widget:close';
