/** The task queue workers poll unless told otherwise (`CUSTSYNC_TASK_QUEUE`). */
export const DEFAULT_TASK_QUEUE = 'custsync';
