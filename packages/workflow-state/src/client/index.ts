/**
 * `@resumable/workflow-state/client`: appending to a task's update log from outside its
 * workflow (a webhook handler, a script, another service), through a Temporal client.
 * Node only (it names each batch with `crypto.randomUUID`).
 *
 * @module @resumable/workflow-state/client
 */
export {
  createTaskPublisher,
  type TaskPublisher,
  type TaskPublisherOptions,
  type SignalingClient,
  type SignalingWorkflows,
  type SignalingHandle,
} from './task-publisher';
