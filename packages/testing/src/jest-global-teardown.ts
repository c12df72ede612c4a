export default async function globalTeardown(): Promise<void> {
  for (const container of globalThis.wharfTestContainers ?? []) await container.stop();
}
