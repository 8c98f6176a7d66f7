import 'server-only';
import { z } from 'zod';
import { createApiKey, revokeApiKey } from '@/db/queries/api-keys';
import { deleteTenant, getTenantById, updateTenant } from '@/db/queries/tenants';
import { createVisitorSigningKey, revokeVisitorSigningKey } from '@/db/queries/visitors';
import { ActionError, defineAction } from '@/lib/actions/define-action';
import { newPublishableKey, newSecretKey } from '@/lib/auth/tokens';
import { DOLLAR_AMOUNT_MESSAGE, dollarAmountPattern } from '@/lib/costs/fields';
import { originListField } from '@/lib/origin-fields';
import { encryptSigningSecret, newVisitorSigningKey } from '@/lib/visitors/signing-keys';

const spendCapField = z
  .string()
  .trim()
  .default('')
  .refine((value) => value === '' || dollarAmountPattern.test(value), DOLLAR_AMOUNT_MESSAGE)
  .transform((value) => (value === '' ? null : value));

export const workspaceSettingsInput = z.object({
  name: z.string().trim().min(1, 'Enter a workspace name.').max(100, 'At most 100 characters.'),
  allowedDomains: originListField,
  monthlySpendCapUsd: spendCapField,
});

export const updateWorkspace = defineAction({
  permission: 'workspace:update',
  input: workspaceSettingsInput,
  handler: async (tx, { tenantId }, input) => {
    await updateTenant(tx, tenantId, input);
    return { message: 'Workspace settings saved.' };
  },
});

export const rotatePublishableKey = defineAction({
  permission: 'keys:manage',
  input: z.object({}),
  handler: async (tx, { tenantId }) => {
    const publishableKey = newPublishableKey();
    await updateTenant(tx, tenantId, { publishableKey });
    return { message: 'Publishable key rotated. Update any embed snippets that use the old key.', result: { publishableKey } };
  },
});

export const createSecretKey = defineAction({
  permission: 'keys:manage',
  input: z.object({ name: z.string().trim().min(1, 'Name the key, e.g. "Voice agent".').max(60, 'At most 60 characters.') }),
  handler: async (tx, { tenantId, userId }, { name }) => {
    const { key, prefix, hash } = newSecretKey();
    await createApiKey(tx, { tenantId, name, prefix, keyHash: hash, createdBy: userId });
    return { message: `Key "${name}" created. Copy it now: it will not be shown again.`, result: { key } };
  },
});

export const revokeSecretKey = defineAction({
  permission: 'keys:manage',
  input: z.object({ keyId: z.uuid('Unknown key.') }),
  handler: async (tx, { tenantId }, { keyId }) => {
    if (!(await revokeApiKey(tx, tenantId, keyId))) throw new ActionError('That key was not found.', 'not_found');
    return { message: 'Key revoked. Requests using it are now refused.' };
  },
});

export const createVisitorKey = defineAction({
  permission: 'keys:manage',
  input: z.object({ name: z.string().trim().min(1, 'Name the key, e.g. "Production site".').max(60, 'At most 60 characters.') }),
  handler: async (tx, { tenantId, userId }, { name }) => {
    const { keyId, secret } = newVisitorSigningKey();
    await createVisitorSigningKey(tx, { tenantId, keyId, name, secretCiphertext: encryptSigningSecret(tenantId, keyId, secret), createdBy: userId });
    return { message: `Signing key "${name}" created. Copy the secret now: it will not be shown again.`, result: { keyId, secret } };
  },
});

export const revokeVisitorKey = defineAction({
  permission: 'keys:manage',
  input: z.object({ keyId: z.uuid('Unknown key.') }),
  handler: async (tx, { tenantId }, { keyId }) => {
    if (!(await revokeVisitorSigningKey(tx, tenantId, keyId))) throw new ActionError('That signing key was not found.', 'not_found');
    return { message: 'Signing key revoked. Visitor tokens signed with it are now refused.' };
  },
});

export const deleteWorkspace = defineAction({
  permission: 'workspace:delete',
  input: z.object({ confirmName: z.string().trim().min(1, 'Type the workspace name to confirm.') }),
  handler: async (tx, { tenantId }, { confirmName }) => {
    const tenant = await getTenantById(tx, tenantId);
    if (!tenant) throw new ActionError('Workspace not found.', 'not_found');
    if (confirmName !== tenant.name) throw new ActionError('The name you typed does not match the workspace name.');
    await deleteTenant(tx, tenantId);
    return { message: `Workspace "${tenant.name}" and all its data were deleted.` };
  },
});
