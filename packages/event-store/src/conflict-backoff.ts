/** The pause before deciding again after the `attempt`-th conflict with a concurrent writer: random, up to 50 ms. */
export const backoff = (attempt: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.min(50, 2 ** attempt) * Math.random()));
