/** Where the console is reached when `console.publicUrl` is not set: `custsync serve` on its defaults. */
export const DEFAULT_CONSOLE_URL = 'http://127.0.0.1:8787';

/** Paths of the console's pages, and absolute links to them (notifications) and to the Temporal UI. */
export interface ConsoleLinks {
  run(runId: string): string;
  runs(filter?: { flow?: string; status?: string }): string;
  runRejects(runId: string): string;
  customer(customerId: string): string;
  heldCustomer(flow: string, code: string): string;
  review(flow?: string): string;
  duplicates(filter?: { strength?: string; run?: string; status?: string }): string;
  duplicate(id: string): string;
  deletions(runId?: string): string;
  pushes(target?: string): string;
  schedules(): string;
  temporalRun(runId: string): string;
  /** `path` on the public address. */
  absolute(path: string): string;
}

const query = (params: Record<string, string | undefined>) => {
  const defined = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined);
  return defined.length ? `?${new URLSearchParams(defined).toString()}` : '';
};

/** Links under `publicUrl` (no trailing slash needed), runs in the Temporal UI at `temporalUiUrl` in `namespace`. */
export function consoleLinks(publicUrl: string, temporalUiUrl: string, namespace: string): ConsoleLinks {
  const base = publicUrl.replace(/\/+$/, '');
  const ui = temporalUiUrl.replace(/\/+$/, '');
  return {
    run: (runId) => `/run${query({ id: runId })}`,
    runs: (filter = {}) => `/runs${query(filter)}`,
    runRejects: (runId) => `/run/rejects.csv${query({ id: runId })}`,
    customer: (customerId) => `/customers/${encodeURIComponent(customerId)}`,
    heldCustomer: (flow, code) => `/review/item${query({ flow, code })}`,
    review: (flow) => `/review${query({ flow })}`,
    duplicates: (filter = {}) => `/duplicates${query(filter)}`,
    duplicate: (id) => `/duplicates/item${query({ id })}`,
    deletions: (runId) => `/deletions${runId ? `#${encodeURIComponent(runId)}` : ''}`,
    pushes: (target) => `/pushes${query({ target })}`,
    schedules: () => '/schedules',
    temporalRun: (runId) => `${ui}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(runId)}`,
    absolute: (path) => `${base}${path}`,
  };
}
