import { deliveriesView } from '../webhooks/deliveries.projection';
import { triggerClustersView, triggerRepositoriesView } from './trigger-context.projection';
import { triggersView } from './triggers.projection';

/** The read models of triggers and their deliveries. */
export const triggerViews = [triggersView, deliveriesView, triggerRepositoriesView, triggerClustersView];
