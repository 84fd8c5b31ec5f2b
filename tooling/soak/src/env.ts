/** An environment variable a soak process cannot run without. */
export function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (the soak sets it for its child processes)`);
  return value;
}
