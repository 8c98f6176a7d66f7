import { visionModel } from '@/lib/vision/ask';
import { speechToTextConfig, textToSpeechConfig } from '@/lib/voice/config';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { ActionForm } from '@/components/action-form';
import { Card } from '@/components/ui/card';
import { SubmitButton } from '@/components/ui/submit-button';
import { getTenantById } from '@/db/queries/tenants';
import { listPersonalities } from '@/db/queries/personalities';
import { getWidget } from '@/db/queries/widgets';
import { can } from '@/lib/auth/permissions';
import { withDashboardTenant } from '@/lib/auth/session';
import { embedSnippet, publicAppOrigin } from '@/lib/widget/app-origin';
import { DEFAULT_PRIMARY_COLOR, DEFAULT_SECONDARY_COLOR } from '@/lib/widget/client/types';
import { deleteWidgetAction, setWidgetActiveAction } from '../actions';
import { CopySnippet, WidgetEditor } from '../widget-forms';

export const metadata: Metadata = { title: 'Widget' };

export default async function WidgetPage({ params }: { params: Promise<{ widgetId: string }> }) {
  const { widgetId } = await params;
  if (!z.uuid().safeParse(widgetId).success) notFound();
  const data = await withDashboardTenant(async (tx, context) => {
    const widget = await getWidget(tx, context.tenantId, widgetId);
    if (!widget) return undefined;
    return {
      widget,
      personalities: (await listPersonalities(tx, context.tenantId))
        .filter(({ personality }) => personality.isActive)
        .map(({ personality }) => ({ id: personality.id, name: personality.name, isDefault: personality.isDefault })),
      workspaceDomains: (await getTenantById(tx, context.tenantId))!.allowedDomains,
      role: context.role,
    };
  });
  if (!data) notFound();
  const { widget, personalities, workspaceDomains, role } = data;
  const manage = can(role, 'widgets:manage');
  const snippet = embedSnippet(await publicAppOrigin(), widget.id);

  return (
    <div className="flex flex-col gap-6">
      <div>
        <Link href="/dashboard/widgets" className="text-sm text-indigo-600 hover:underline dark:text-indigo-400">← Widgets</Link>
        <h1 className="mt-2 text-2xl font-semibold break-words">{widget.name}</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400" data-testid="widget-status">
          {widget.isActive ? 'Live: visitors on allowed sites can chat.' : 'Turned off: visitors see that the chat is unavailable.'}
        </p>
      </div>

      <Card title="Embed snippet" description="Paste this before </body> on every page where the chat should appear. The page’s origin must be allowed below.">
        <CopySnippet snippet={snippet} />
      </Card>

      <WidgetEditor
        readOnly={!manage}
        workspaceDomains={workspaceDomains}
        personalities={personalities}
        widget={{
          id: widget.id,
          name: widget.name,
          allowedOrigins: widget.allowedOrigins.join('\n'),
          theme: widget.settings.theme,
          position: widget.settings.position,
          greeting: widget.settings.greeting ?? '',
          contactEmail: widget.settings.contactEmail ?? '',
          primaryColor: widget.settings.primaryColor ?? DEFAULT_PRIMARY_COLOR,
          secondaryColor: widget.settings.secondaryColor ?? DEFAULT_SECONDARY_COLOR,
          personalityId: widget.personalityId ?? '',
          starterQuestions: (widget.settings.starterQuestions ?? []).join('\n'),
          dailySpendCapUsd: widget.settings.dailySpendCapUsd ?? '',
          visitorDailySpendCapUsd: widget.settings.visitorDailySpendCapUsd ?? '',
          identityMode: widget.identityMode,
          voiceInput: widget.settings.voiceInput ? 'on' : '',
          voiceReplies: widget.settings.voiceReplies ? 'on' : '',
          voice: widget.settings.voice ?? '',
          imageAttachments: widget.settings.imageAttachments ? 'on' : '',
          voiceClipsPerSession: widget.settings.voiceClipsPerSession?.toString() ?? '',
          voiceSecondsPerDay: widget.settings.voiceSecondsPerDay?.toString() ?? '',
          imagesPerSession: widget.settings.imagesPerSession?.toString() ?? '',
        }}
        mediaServices={{ speechToText: speechToTextConfig() !== undefined, textToSpeech: textToSpeechConfig() !== undefined, vision: visionModel() !== undefined }}
      />

      {manage && (
        <Card title="Availability" description="Turning a widget off keeps its snippet and settings; the chat tells visitors it is unavailable. Deleting keeps its conversations.">
          <div className="flex flex-wrap gap-3">
            <ActionForm action={setWidgetActiveAction} showSuccess>
              <input type="hidden" name="widgetId" value={widget.id} />
              <input type="hidden" name="active" value={String(!widget.isActive)} />
              <SubmitButton variant="secondary">{widget.isActive ? 'Turn off' : 'Turn on'}</SubmitButton>
            </ActionForm>
            <ActionForm action={deleteWidgetAction} confirm={`Delete "${widget.name}"? Pages with its snippet will stop showing the chat.`}>
              <input type="hidden" name="widgetId" value={widget.id} />
              <SubmitButton variant="danger" pendingLabel="Deleting…">Delete widget</SubmitButton>
            </ActionForm>
          </div>
        </Card>
      )}
    </div>
  );
}
