// Polite crawling: at most a few requests in flight per host, and when robots.txt sets a
// Crawl-delay, one request at a time spaced by that delay. Hosts never wait on each other.

/** Requests in flight per host when the site sets no Crawl-delay. */
export const DEFAULT_HOST_CONCURRENCY = 2;

type HostState = { active: number; nextStart: number; waiting: Array<() => void> };

export class HostGate {
  readonly #hosts = new Map<string, HostState>();

  constructor(
    private readonly settings: (host: string) => { concurrency: number; delayMs: number },
    private readonly now: () => number = Date.now,
  ) {}

  /** Runs `task` when the host has a free slot and its delay since the last start has passed. */
  async run<T>(host: string, task: () => Promise<T>): Promise<T> {
    const state = this.#hosts.get(host) ?? { active: 0, nextStart: 0, waiting: [] };
    this.#hosts.set(host, state);
    const { concurrency, delayMs } = this.settings(host);
    while (state.active >= concurrency) await new Promise<void>((resolve) => state.waiting.push(resolve));
    state.active++;
    try {
      const wait = state.nextStart - this.now();
      state.nextStart = Math.max(this.now(), state.nextStart) + delayMs;
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      return await task();
    } finally {
      state.active--;
      state.waiting.shift()?.();
    }
  }
}
