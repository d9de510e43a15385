import type { Migration } from 'kysely';
import * as initialSchema from './0001-initial-schema.js';
import * as unattendedOperation from './0002-unattended-operation.js';
import * as dryRunPreviews from './0003-dry-run-previews.js';
import * as duplicateInputs from './0004-duplicate-inputs.js';
import * as inputWarnings from './0005-input-warnings.js';
import * as reviewOfNewCustomers from './0006-review-of-new-customers.js';
import * as immutableSourceId from './0007-immutable-source-id.js';
import * as parentCompanies from './0008-parent-companies.js';
import * as orderEvents from './0009-order-events.js';
import * as customerPushes from './0010-customer-pushes.js';
import * as connectorCursors from './0011-connector-cursors.js';
import * as withheldCustomers from './0012-withheld-customers.js';
import * as subDepartmentRelations from './0013-sub-department-relations.js';
import * as reviewValuesHash from './0014-review-values-hash.js';
import * as customerApi from './0015-customer-api.js';
import * as consoleSupport from './0016-console.js';
import * as notifications from './0017-notifications.js';
import * as oneDeletionDecision from './0018-one-deletion-decision.js';
import * as consoleSessions from './0019-console-sessions.js';
import * as customerErasures from './0020-customer-erasures.js';
import * as notificationErrorTimes from './0021-notification-error-times.js';
import * as sourceDigests from './0022-source-digests.js';
import * as unchangedPages from './0023-unchanged-pages.js';
import * as duplicateCandidates from './0024-duplicate-candidates.js';
import * as customerMerges from './0025-customer-merges.js';
import * as survivorshipStates from './0026-survivorship-states.js';
import * as unloggedStaging from './0027-unlogged-staging.js';
import * as unloggedUnchangedPages from './0028-unlogged-unchanged-pages.js';
import * as externalIdInputHashes from './0029-external-id-input-hashes.js';

/** Every migration, keyed so that lexical order is application order. */
export const migrations: Record<string, Migration> = {
  '0001-initial-schema': initialSchema,
  '0002-unattended-operation': unattendedOperation,
  '0003-dry-run-previews': dryRunPreviews,
  '0004-duplicate-inputs': duplicateInputs,
  '0005-input-warnings': inputWarnings,
  '0006-review-of-new-customers': reviewOfNewCustomers,
  '0007-immutable-source-id': immutableSourceId,
  '0008-parent-companies': parentCompanies,
  '0009-order-events': orderEvents,
  '0010-customer-pushes': customerPushes,
  '0011-connector-cursors': connectorCursors,
  '0012-withheld-customers': withheldCustomers,
  '0013-sub-department-relations': subDepartmentRelations,
  '0014-review-values-hash': reviewValuesHash,
  '0015-customer-api': customerApi,
  '0016-console': consoleSupport,
  '0017-notifications': notifications,
  '0018-one-deletion-decision': oneDeletionDecision,
  '0019-console-sessions': consoleSessions,
  '0020-customer-erasures': customerErasures,
  '0021-notification-error-times': notificationErrorTimes,
  '0022-source-digests': sourceDigests,
  '0023-unchanged-pages': unchangedPages,
  '0024-duplicate-candidates': duplicateCandidates,
  '0025-customer-merges': customerMerges,
  '0026-survivorship-states': survivorshipStates,
  '0027-unlogged-staging': unloggedStaging,
  '0028-unlogged-unchanged-pages': unloggedUnchangedPages,
  '0029-external-id-input-hashes': externalIdInputHashes,
};
