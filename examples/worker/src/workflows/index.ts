/** The example worker's workflows (bundled by the worker for Temporal's sandbox). */
export { taskWorkflow } from './task';
export { orderProcessingWorkflow } from './order';
export { invoiceProcessingWorkflow } from './invoice';
export { testCycleWorkflow } from './test-cycle';
