import type { EmulatorCore } from '../core.js';
import { ApiError, badRequest, DESCRIPTIONS } from '../errors.js';
import { boolParam, intParam, jsonParam, numberParam, type Params, stringParam } from '../params.js';
import { Described, type MethodSpec } from './method.js';

function allowedUpdatesParam(params: Params): string[] | undefined {
  const value = jsonParam(params, 'allowed_updates', "can't parse allowed updates JSON object");
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw badRequest('allowed_updates must be an Array of Strings');
  }
  return value as string[];
}

export function updateMethods(core: EmulatorCore): MethodSpec[] {
  return [
    {
      name: 'getUpdates',
      chatBound: false,
      handle(params, call) {
        if (core.webhook.active() !== undefined)
          throw new ApiError(409, DESCRIPTIONS.getUpdatesConflictWebhook);
        const offset = intParam(params, 'offset');
        const limit = Math.min(100, Math.max(1, intParam(params, 'limit') ?? 100));
        const timeoutSeconds = Math.max(0, numberParam(params, 'timeout') ?? 0);
        core.updates.rememberAllowedUpdates(allowedUpdatesParam(params));
        return core.updates.getUpdates({ offset, limit, timeoutSeconds, signal: call.signal });
      },
    },
    {
      name: 'setWebhook',
      chatBound: false,
      handle(params) {
        const url = stringParam(params, 'url') ?? '';
        if (url === '') return deleteWebhook(core, params);
        let parsed: URL;
        try {
          parsed = new URL(url);
        } catch {
          throw badRequest('bad webhook: invalid webhook URL specified');
        }
        if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
          throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
        }
        const secretToken = stringParam(params, 'secret_token');
        if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken)) {
          throw badRequest('secret token contains unallowed characters');
        }
        const allowed = allowedUpdatesParam(params);
        if (boolParam(params, 'drop_pending_updates')) core.updates.dropPending();
        core.updates.rememberAllowedUpdates(allowed);
        const previous = core.webhook.active();
        core.updates.conflictWaiter(DESCRIPTIONS.getUpdatesConflictWebhook);
        core.webhook.set({
          url,
          // Telegram keeps max_connections within 1-100 (default 40).
          maxConnections: Math.min(100, Math.max(1, intParam(params, 'max_connections') ?? 40)),
          ...(secretToken === undefined ? {} : { secretToken }),
        });
        return new Described(true, previous?.url === url ? 'Webhook is already set' : 'Webhook was set');
      },
    },
    {
      name: 'deleteWebhook',
      chatBound: false,
      handle: (params) => deleteWebhook(core, params),
    },
    {
      name: 'getWebhookInfo',
      chatBound: false,
      handle: () => core.webhook.info(),
    },
  ];
}

function deleteWebhook(core: EmulatorCore, params: Params): Described {
  const wasSet = core.webhook.active() !== undefined;
  core.webhook.delete();
  if (boolParam(params, 'drop_pending_updates')) core.updates.dropPending();
  return new Described(true, wasSet ? 'Webhook was deleted' : 'Webhook is already deleted');
}
