import { ApplicationFailure } from '@temporalio/common';
import type { InvoiceStatus } from '../shared';
import { attempt, work } from './simulate';

/** Records an invoice's status in the (simulated) accounting database. */
export async function updateInvoiceStatus(invoiceId: string, status: InvoiceStatus): Promise<void> {
  void invoiceId;
  void status;
  await work(80);
}

/** Validates an invoice: ids containing "invalid" are refused. */
export async function validateInvoice(invoiceId: string): Promise<boolean> {
  await work(200);
  return !invoiceId.includes('invalid');
}

/**
 * Sends the invoice by email. The simulated mail service is down for the first
 * `failures` attempts, so the workflow's retry policy (1s, ×2, at most 5) shows.
 * Returns the attempt that worked.
 */
export async function sendInvoiceEmail(invoiceId: string, failures: number): Promise<number> {
  await work(150);
  const current = attempt();
  if (current <= failures) {
    // Retryable: Temporal schedules the next attempt by the activity's retry policy.
    throw ApplicationFailure.retryable(
      `Mail service unavailable for ${invoiceId} (attempt ${current})`,
      'MailUnavailable',
    );
  }
  return current;
}
