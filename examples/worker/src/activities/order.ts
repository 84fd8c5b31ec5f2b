import { work } from './simulate';

/** Checks the order and holds its stock. */
export async function reserveStock(input: { orderId: string; amount: number }): Promise<string> {
  await work(150);
  return `Stock reserved for ${input.orderId}`;
}

/** Gives the held stock back when an order is cancelled or times out. */
export async function releaseStock(input: { orderId: string }): Promise<string> {
  await work(100);
  return `Stock released for ${input.orderId}`;
}

/** Ships a paid order. */
export async function shipOrder(input: { orderId: string; customer: string }): Promise<string> {
  await work(300);
  return `Shipped ${input.orderId} to ${input.customer}`;
}
