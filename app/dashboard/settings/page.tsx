import type { Metadata } from 'next';
import { ActionForm } from '@/components/action-form';
import { Card } from '@/components/ui/card';
import { SubmitButton } from '@/components/ui/submit-button';
import { listApiKeys } from '@/db/queries/api-keys';
import { getTenantById } from '@/db/queries/tenants';
import { listVisitorSigningKeys } from '@/db/queries/visitors';
import { can } from '@/lib/auth/permissions';
import { withDashboardTenant } from '@/lib/auth/session';
import { revokeSecretKeyAction, revokeVisitorKeyAction, rotatePublishableKeyAction } from './actions';
import { CreateSecretKeyForm, CreateVisitorKeyForm, DeleteWorkspaceForm } from './keys';
import { WorkspaceForm } from './workspace-form';

export const metadata: Metadata = { title: 'Settings' };

const dateTime = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' });

export default async function SettingsPage() {
  const { tenant, keys, visitorKeys, role } = await withDashboardTenant(async (tx, context) => ({
    tenant: (await getTenantById(tx, context.tenantId))!,
    keys: await listApiKeys(tx, context.tenantId),
    visitorKeys: await listVisitorSigningKeys(tx, context.tenantId),
    role: context.role,
  }));
  const canManageKeys = can(role, 'keys:manage');

  return (
    <div className="flex flex-col gap-6">
      <h1 className="text-2xl font-semibold">Settings</h1>
      <Card
        title="Workspace"
        description={
          <>
            Plan: <span className="font-medium capitalize">{tenant.plan}</span>
            {!can(role, 'workspace:update') && ' · Only owners and admins can change these settings.'}
          </>
        }
      >
        <WorkspaceForm
          name={tenant.name}
          allowedDomains={tenant.allowedDomains}
          monthlySpendCapUsd={tenant.monthlySpendCapUsd}
          readOnly={!can(role, 'workspace:update')}
        />
      </Card>

      <Card title="Publishable key" description="Identifies your workspace in widget snippets. It is public by design; rotate it if it is being misused.">
        <p className="mb-3 break-all rounded-md bg-slate-100 px-3 py-2 font-mono text-sm dark:bg-slate-800" data-testid="publishable-key">
          {tenant.publishableKey}
        </p>
        {canManageKeys && (
          <ActionForm action={rotatePublishableKeyAction} confirm="Rotate the publishable key? Snippets using the old key stop working." showSuccess>
            <SubmitButton variant="secondary" pendingLabel="Rotating…">
              Rotate key
            </SubmitButton>
          </ActionForm>
        )}
      </Card>

      <Card
        title="Secret API keys"
        description="For your servers and agents (for example to report voice or vision usage). Keep them secret: they are stored hashed and shown once."
      >
        {canManageKeys && <CreateSecretKeyForm />}
        {keys.length === 0 ? (
          <p className="mt-4 text-sm text-slate-500">No secret keys yet.</p>
        ) : (
          <div className="mt-4 overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="text-xs text-slate-500 uppercase">
                <tr>
                  <th scope="col" className="py-2 pr-4">Name</th>
                  <th scope="col" className="py-2 pr-4">Key</th>
                  <th scope="col" className="py-2 pr-4">Created</th>
                  <th scope="col" className="py-2 pr-4">Last used</th>
                  <th scope="col" className="py-2"><span className="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
                {keys.map((key) => (
                  <tr key={key.id}>
                    <td className="py-2 pr-4 font-medium">{key.name}</td>
                    <td className="py-2 pr-4 font-mono text-xs">{key.prefix}…</td>
                    <td className="py-2 pr-4">{dateTime.format(key.createdAt)}{key.createdBy ? ` by ${key.createdBy}` : ''}</td>
                    <td className="py-2 pr-4">{key.lastUsedAt ? dateTime.format(key.lastUsedAt) : 'Never'}</td>
                    <td className="py-2 text-right">
                      {key.revokedAt ? (
                        <span className="text-xs text-slate-500">Revoked {dateTime.format(key.revokedAt)}</span>
                      ) : (
                        canManageKeys && (
                          <ActionForm action={revokeSecretKeyAction} confirm={`Revoke "${key.name}"? Requests using it will be refused.`}>
                            <input type="hidden" name="keyId" value={key.id} />
                            <SubmitButton variant="secondary">Revoke</SubmitButton>
                          </ActionForm>
                        )
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>

      <Card
        title="Visitor signing keys"
        description="Sign your users into the chat widget: your server signs a short-lived JWT (HS256) with one of these secrets, with the key id as kid. Several keys can be active at once, so you can rotate without downtime. Secrets are shown once and stored encrypted."
      >
        {canManageKeys && <CreateVisitorKeyForm />}
        {visitorKeys.length === 0 ? (
          <p className="mt-4 text-sm text-slate-500">No signing keys yet: every visitor is anonymous.</p>
        ) : (
          <div className="mt-4 overflow-x-auto">
            <table className="w-full text-left text-sm" data-testid="visitor-keys">
              <thead className="text-xs text-slate-500 uppercase">
                <tr>
                  <th scope="col" className="py-2 pr-4">Name</th>
                  <th scope="col" className="py-2 pr-4">Key id</th>
                  <th scope="col" className="py-2 pr-4">Created</th>
                  <th scope="col" className="py-2 pr-4">Last used</th>
                  <th scope="col" className="py-2"><span className="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
                {visitorKeys.map((key) => (
                  <tr key={key.id}>
                    <td className="py-2 pr-4 font-medium">{key.name}</td>
                    <td className="py-2 pr-4 font-mono text-xs">{key.keyId}</td>
                    <td className="py-2 pr-4">{dateTime.format(key.createdAt)}{key.createdBy ? ` by ${key.createdBy}` : ''}</td>
                    <td className="py-2 pr-4">{key.lastUsedAt ? dateTime.format(key.lastUsedAt) : 'Never'}</td>
                    <td className="py-2 text-right">
                      {key.revokedAt ? (
                        <span className="text-xs text-slate-500">Revoked {dateTime.format(key.revokedAt)}</span>
                      ) : (
                        canManageKeys && (
                          <ActionForm action={revokeVisitorKeyAction} confirm={`Revoke "${key.name}"? Visitor tokens signed with it will be refused.`}>
                            <input type="hidden" name="keyId" value={key.id} />
                            <SubmitButton variant="secondary">Revoke</SubmitButton>
                          </ActionForm>
                        )
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>

      {can(role, 'workspace:delete') && (
        <Card title="Delete workspace" description="Deletes the workspace with its widgets, knowledge, conversations and cost history. This cannot be undone.">
          <DeleteWorkspaceForm name={tenant.name} />
        </Card>
      )}
    </div>
  );
}
