import { createUpdateLog } from '@resumable/workflow-state';
import { ApplicationFailure, proxyActivities, isCancellation } from '@temporalio/workflow';
import type * as activities from '../activities';
import type { InvoiceInput, InvoiceStatus, InvoiceUpdates } from '../shared';

// Invoice retry policy, with shorter intervals so a demo run shows it in seconds.
const { validateInvoice, sendInvoiceEmail, updateInvoiceStatus } = proxyActivities<typeof activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 5 },
});

/**
 * Invoice processing: validate, send (the mail service fails a few
 * times; Temporal retries with backoff), mark as sent.
 */
export async function invoiceProcessingWorkflow(input: InvoiceInput): Promise<InvoiceStatus> {
  const log = createUpdateLog<InvoiceStatus, InvoiceUpdates>({ status: 'validating' });
  const { invoiceId } = input;
  const status = async (next: InvoiceStatus, text: string) => {
    await updateInvoiceStatus(invoiceId, next);
    log.setStatus(next);
    log.emit('status', { status: next, text });
  };

  await status('validating', `Validating invoice ${invoiceId}`);
  if (!(await validateInvoice(invoiceId))) {
    await status('invalid', `Invoice ${invoiceId} failed validation`);
    throw ApplicationFailure.nonRetryable('Invoice validation failed', 'InvalidInvoice');
  }
  await status('sending', `Sending invoice ${invoiceId} by email`);
  let attempts: number;
  try {
    attempts = await sendInvoiceEmail(invoiceId, input.emailFailures ?? 2);
  } catch (error) {
    if (isCancellation(error)) throw error;
    log.setStatus('failed');
    log.emit('status', { status: 'failed', text: 'The mail service kept failing; retries exhausted after 5 attempts' });
    throw error;
  }
  log.emit('attempt', {
    activity: 'sendInvoiceEmail',
    attempts,
    text:
      attempts === 1
        ? 'Email sent on the first attempt'
        : `Email sent on attempt ${attempts} (${attempts - 1} retried with backoff)`,
  });
  await status('sent', `Invoice ${invoiceId} sent`);
  return log.status;
}
