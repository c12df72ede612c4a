import { Injectable } from '@nestjs/common';
import { TRIGGER_HISTORY_LIMIT, type TriggerHistoryEntry, type TriggerView } from '@wharf/contracts/lifecycle';
import { ProjectionHost } from '@wharf/platform';
import { deliveriesView, type DeliveryDocument } from '../webhooks/deliveries.projection';
import type { TriggerDocument } from './triggers.projection';

/** A firing as `trigger_history` shows it: only deliveries attempted at least once. */
const historyEntry = (doc: DeliveryDocument): TriggerHistoryEntry => ({
  deliveryId: doc.id,
  result: doc.status === 'delivered' ? 'success' : 'failed',
  detail: doc.status === 'retrying' && doc.nextAttemptAt ? `${doc.detail}; attempt ${doc.attempts + 1} at ${doc.nextAttemptAt}` : doc.detail,
  tag: doc.push.tag,
  createdAt: doc.createdAt,
});

/** Triggers as the API shows them: settings, never secrets, and their most recent firings. */
@Injectable()
export class TriggerViews {
  constructor(private readonly projections: ProjectionHost) {}

  async view(doc: TriggerDocument): Promise<TriggerView> {
    const deliveries = await this.projections.collection(deliveriesView).find({
      where: [
        { field: 'triggerId', op: 'eq', value: doc.id },
        { field: 'status', op: 'ne', value: 'pending' },
      ],
      sort: [{ field: 'position', direction: 'desc' }],
      limit: TRIGGER_HISTORY_LIMIT,
    });
    const { id, webhook, createdPosition: _position, toggles: _toggles, accountId: _accountId, namespace: _namespace, disabledReason, ...settings } = doc;
    return {
      ...settings,
      triggerId: id,
      ...(webhook ? { webhook: { url: webhook.url, format: webhook.format, headers: webhook.headerNames } } : {}),
      ...(disabledReason && !doc.enabled ? { disabledReason } : {}),
      history: deliveries.map(historyEntry),
    };
  }
}
