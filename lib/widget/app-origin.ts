import 'server-only';
import { headers } from 'next/headers';
import { getEnv } from '@/lib/env';

/** Where host pages load the widget from: APP_URL when set, else the address of this request. */
export async function publicAppOrigin(): Promise<string> {
  const configured = getEnv().APP_URL ?? process.env.AUTH_URL;
  if (configured) return new URL(configured).origin;
  const request = await headers();
  const host = request.get('x-forwarded-host') ?? request.get('host') ?? 'localhost:3000';
  const protocol = request.get('x-forwarded-proto') ?? (host.startsWith('localhost') || host.startsWith('127.') ? 'http' : 'https');
  return `${protocol}://${host}`;
}

export function embedSnippet(appOrigin: string, widgetId: string): string {
  return `<script src="${appOrigin}/widget.js" data-widget-id="${widgetId}" async></script>`;
}
