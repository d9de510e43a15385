export { customerSyncWorkflow, progressQuery } from './customer-sync-workflow.js';
