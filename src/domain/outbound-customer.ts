import type { AspectValues, CustomerType } from './customer-record.js';

/**
 * A platform customer as it is pushed to one target: its merged aspects, and its ids
 * and relations as that target knows them.
 */
export interface OutboundCustomer extends Partial<AspectValues> {
  /** The platform's id (uuid). */
  id: string;
  type: CustomerType;
  /** The customer's id in the target; absent when the target does not have it yet (create). */
  externalId?: string;
  /** The parent company's id in the target, when the customer has a parent the target knows. */
  parentExternalId?: string;
  /** Ids in the target of the companies whose parent this customer is. */
  childExternalIds?: string[];
  /** Whether other companies have this customer as their parent. */
  isParentCompany?: boolean;
  createdAt: string;
  updatedAt: string;
  /** The run (or command) that last changed the customer. */
  updatedBy: string;
}

/** What a push did in the target. */
export interface PushResult {
  /** The customer's id in the target (new on create). */
  externalId: string;
  action: 'created' | 'updated';
}
