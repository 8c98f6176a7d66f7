import 'server-only';

/**
 * One instance per process of something that is expensive to start (a database, a queue).
 * Kept on globalThis so dev-server module reloads reuse it; a failed start is not cached, so
 * the next call tries again.
 */
export function processSingleton<T>(name: string, start: () => Promise<T>, stop: (instance: T) => Promise<void>) {
  const key = Symbol.for(`assistant-platform.${name}`);
  const store = globalThis as typeof globalThis & Record<symbol, Promise<T> | undefined>;

  function get(): Promise<T> {
    const existing = store[key];
    if (existing) return existing;
    const starting = start();
    store[key] = starting;
    starting.catch(() => {
      if (store[key] === starting) delete store[key];
    });
    return starting;
  }

  async function close(): Promise<void> {
    const starting = store[key];
    if (!starting) return;
    delete store[key];
    const instance = await starting.catch(() => undefined);
    if (instance !== undefined) await stop(instance);
  }

  return { get, close };
}
