export { customerSyncWorkflow, progressQuery } from './customer-sync-workflow.js';
export { deletionGraceWorkflow, deletionStatusQuery } from './deletion-grace-workflow.js';
export { orderReceivedSignal, orderStateQuery, orderSyncWorkflow } from './order-sync-workflow.js';
export { pushQueuedSignal, pushStateQuery, pushTargetWorkflow } from './push-target-workflow.js';
export { notificationQueuedSignal, notificationStateQuery, notificationWorkflow } from './notification-workflow.js';
