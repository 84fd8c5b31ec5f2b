import { createActionQueue } from '@resumable/react-hooks/offline';
import { getOperatorToken } from './tokens';

/**
 * The dashboard's resume, cancel and payment event: made while offline (or while the
 * server cannot be reached) they wait in IndexedDB and go, in order, once it can; each
 * carries an idempotency key, so a repeat never reaches the workflow twice. Created at
 * module level: it does nothing until the dashboard renders or acts.
 */
export const operatorActions = createActionQueue({ refreshToken: getOperatorToken });
