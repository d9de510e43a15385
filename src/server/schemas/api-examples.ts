import type { z } from 'zod';
import type { customerPageSchema, customerSchema, activityPageSchema, attributeBulkResultSchema, bulkAcceptedSchema, deletionSchema } from './customer-schemas.js';
import type { runReportSchema, runSummarySchema } from './run-schemas.js';
import type { duplicateCandidateSchema, duplicateComparisonSchema, duplicatePageSchema, mergeOutcomeSchema } from './duplicate-schemas.js';

/** Examples of one operation: its request body (if it takes one) and its answers by status. */
export interface OperationExamples {
  request?: unknown;
  responses: Record<string, unknown>;
}

const CUSTOMER_ID = '0b9e4c1e-5d7a-4f5e-9a61-3c2f8d1a7b42';
const RUN = 'api/crm/20261202T101500-3f9a1c';

const customer = {
  id: CUSTOMER_ID,
  type: 'COMPANY',
  sourceConnector: 'crm',
  sourceId: 'ACME-1',
  state: 'active',
  parentCustomerId: null,
  isParentCompany: false,
  createdAt: '2026-12-02T10:15:00.000Z',
  updatedAt: '2026-12-02T10:15:00.000Z',
  createdRunId: RUN,
  updatedRunId: RUN,
  missingSince: null,
  deletedAt: null,
  deletedReason: null,
  externalIds: [{ connector: 'crm', externalId: 'ACME-1' }],
  name: { companyName: 'Acme Boutique AS' },
  relations: {},
  contactPersons: [],
  addresses: [{ code: 'B-1', type: 'billing', line1: 'Storgata 1', city: 'Oslo', zip: '0155', country: 'NO' }],
  customerAttributes: [{ key: 'segment', value: 'retail' }],
  addressAttributes: [],
  contactPersonAttributes: [],
  customerContactDetails: [{ kind: 'email', value: 'post@acme.example' }],
  addressContactDetails: [],
  contactPersonContactDetails: [],
  attachments: [],
  provenance: {
    name: { connector: 'crm', runId: RUN },
    items: {
      contactPersons: [],
      addresses: [{ key: 'code:B-1', connector: 'crm', runId: RUN, suppliedBy: ['crm'] }],
      customerAttributes: [{ key: 'segment', connector: 'crm', runId: RUN, suppliedBy: ['crm'] }],
      addressAttributes: [],
      contactPersonAttributes: [],
      customerContactDetails: [{ key: 'email|post@acme.example', connector: 'crm', runId: RUN, suppliedBy: ['crm'] }],
      addressContactDetails: [],
      contactPersonContactDetails: [],
      attachments: [],
    },
  },
} satisfies z.input<typeof customerSchema>;

const record = {
  type: 'COMPANY',
  name: { companyName: 'Acme Boutique AS' },
  addresses: [{ code: 'B-1', type: 'billing', line1: 'Storgata 1', city: 'Oslo', zip: '0155', country: 'NO' }],
  customerAttributes: [{ key: 'segment', value: 'retail' }],
  customerContactDetails: [{ kind: 'email', value: 'post@acme.example' }],
};

const written = (change: 'created' | 'updated') => ({ change, restored: false, writeId: RUN, queuedFor: ['oms'], customer });

const runSummary = {
  id: 'erp/20261202T060000',
  flow: 'erp',
  trigger: 'schedule',
  status: 'completed',
  mode: 'full',
  dryRun: false,
  startedAt: '2026-12-02T06:00:00.000Z',
  finishedAt: '2026-12-02T06:00:41.000Z',
  created: 2,
  updated: 14,
  unchanged: 9_812,
  rejected: 1,
  deletionStatus: null,
  error: null,
} satisfies z.input<typeof runSummarySchema>;

const runReport = {
  runId: 'erp/20261202T060000',
  flow: 'erp',
  dryRun: false,
  status: 'completed',
  trigger: 'schedule',
  mode: 'full',
  steps: [
    {
      role: 'source',
      connector: 'erp',
      inputs: ['customer_20261202T050000_full.txt'],
      read: 9_829,
      staged: 9_828,
      matched: 0,
      unmatched: 0,
      rejected: 1,
      inputDetails: [{ name: 'customer_20261202T050000_full.txt', kind: 'full', status: 'applied', warnings: [], read: 9_829, rejected: 1 }],
    },
  ],
  restored: 0,
  totals: { customers: 9_828, created: 2, updated: 14, unchanged: 9_812, rejected: 1 },
  rejectedSample: [{ source: 'customer_20261202T050000_full.txt', line: 118, externalId: 'C1118', field: 'CustomerType', reason: 'CustomerType must be PERSON or COMPANY, got "X"' }],
  withheld: { count: 0, sample: [] },
  durationMs: 41_022,
} satisfies z.input<typeof runReportSchema>;

/**
 * An example request and answer for every operation of the customer API, by `METHOD /path`
 * as the OpenAPI document names it. The suite checks each against the schema it illustrates.
 */
const duplicate = {
  id: '17',
  strength: 'strong',
  status: 'open',
  reasons: [
    { kind: 'email', value: 'jane.roe@acme.example' },
    { kind: 'phone', value: '+12125550101' },
  ],
  nameSimilarity: 1,
  foundRunId: 'sync/oms/20261202T100000000Z',
  foundAt: '2026-12-02T10:00:04.000Z',
  customers: [
    { id: CUSTOMER_ID, type: 'COMPANY', name: 'Acme Boutique', source: 'erp:C1001' },
    { id: '5d1f0a2e-8c3b-4e7f-b6a9-0e2d4c6f8a13', type: 'COMPANY', name: 'ACME Boutique Inc.', source: 'oms:B-200' },
  ],
} satisfies z.input<typeof duplicateCandidateSchema>;

export const API_EXAMPLES: Record<string, OperationExamples> = {
  'GET /healthz': { responses: { 200: { ok: true } } },

  'GET /readyz': { responses: { 200: { ready: true, checks: { database: 'ok', temporal: 'ok' } }, 503: { ready: false, checks: { database: 'ok', temporal: 'not reachable at 127.0.0.1:7233' } } } },
  'GET /api/v1/customers': { responses: { 200: { items: [customer], nextCursor: 'eyJ1IjoiMjAyNi0xMi0wMlQxMDoxNTowMFoiLCJpIjoiMGI5ZSJ9' } satisfies z.input<typeof customerPageSchema> } },
  'POST /api/v1/customers': { request: { sourceId: 'ACME-1', ...record }, responses: { 201: written('created') } },
  'GET /api/v1/customers/{id}': { responses: { 200: customer } },
  'PATCH /api/v1/customers/{id}': { request: { name: { companyName: 'Acme Boutique Oslo AS' }, customerContactDetails: null }, responses: { 200: written('updated') } },
  'DELETE /api/v1/customers/{id}': { responses: { 200: { customerId: CUSTOMER_ID, status: 'deleted', writeId: RUN } satisfies z.input<typeof deletionSchema> } },
  'GET /api/v1/customers/{id}/activities': {
    responses: {
      200: {
        items: [
          {
            id: '41822',
            change: 'updated',
            runId: RUN,
            actor: 'api:crm',
            at: '2026-12-02T10:15:00.000Z',
            diff: [{ aspect: 'name', field: 'companyName', old: 'Acme Boutique AS', new: 'Acme Boutique Oslo AS' }],
          },
        ],
      } satisfies z.input<typeof activityPageSchema>,
    },
  },
  'GET /api/v1/customers/{connector}/{externalId}': { responses: { 200: customer } },
  'PUT /api/v1/customers/{connector}/{externalId}': { request: record, responses: { 200: written('updated'), 201: written('created') } },
  'POST /api/v1/customers/attributes/bulk': {
    request: { key: 'segment', value: 'wholesale', customers: [{ id: CUSTOMER_ID }, { connector: 'erp', externalId: 'C1002' }] },
    responses: {
      200: {
        items: [
          { customer: CUSTOMER_ID, status: 'updated', customerId: CUSTOMER_ID },
          { customer: 'erp/C1002', status: 'not-found' },
        ],
      } satisfies z.input<typeof attributeBulkResultSchema>,
    },
  },
  'POST /api/v1/customers/bulk': {
    request: { records: [{ externalId: 'ACME-1', ...record }, { externalId: 'K-77', type: 'PERSON', name: { firstName: 'Kari', lastName: 'Nordmann' } }] },
    responses: { 202: { runId: 'import/crm/20261202T101500-3f9a1c', records: 2, status: 'running' } satisfies z.input<typeof bulkAcceptedSchema> },
  },
  'GET /api/v1/runs': { responses: { 200: { items: [runSummary] } } },
  'GET /api/v1/runs/{id}': { responses: { 200: runReport } },
  'GET /api/v1/duplicates': { responses: { 200: { items: [duplicate] } satisfies z.input<typeof duplicatePageSchema> } },
  'GET /api/v1/duplicates/{id}': {
    responses: {
      200: {
        ...duplicate,
        fields: [
          { field: 'name.companyName', left: { value: 'Acme Boutique', connector: 'erp' }, right: { value: 'ACME Boutique Inc.', connector: 'oms' }, same: false },
          { field: 'customerAttributes', key: 'vatNumber', left: { value: { key: 'vatNumber', value: 'US-12-3456789' }, connector: 'erp' }, same: false },
        ],
      } satisfies z.input<typeof duplicateComparisonSchema>,
    },
  },
  'POST /api/v1/duplicates/{id}/merge': {
    request: { survivor: CUSTOMER_ID },
    responses: { 200: { mergeId: '4', survivorId: CUSTOMER_ID, mergedId: '5d1f0a2e-8c3b-4e7f-b6a9-0e2d4c6f8a13', queuedFor: ['oms'] } satisfies z.input<typeof mergeOutcomeSchema> },
  },
  'POST /api/v1/merges/{id}/undo': {
    responses: { 200: { mergeId: '4', survivorId: CUSTOMER_ID, mergedId: '5d1f0a2e-8c3b-4e7f-b6a9-0e2d4c6f8a13', exact: true, queuedFor: ['oms'] } satisfies z.input<typeof mergeOutcomeSchema> },
  },
  'POST /api/v1/duplicates/{id}/keep-apart': {
    responses: { 200: { ...duplicate, status: 'kept-apart', decidedBy: 'token:crm', decidedAt: '2026-12-02T10:20:00.000Z' } satisfies z.input<typeof duplicateCandidateSchema> },
  },
};
