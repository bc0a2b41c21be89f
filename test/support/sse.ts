// Reads a server-sent-event stream the way a browser's EventSource does: events with their ids, so a
// test can reconnect with Last-Event-ID. No vitest imports (scripts may use it).
export interface SseEvent {
  id: string | null;
  event: string;
  data: any;
}

export class SseClient {
  readonly events: SseEvent[] = [];
  private readonly controller = new AbortController();
  private waiters: Array<() => void> = [];
  private done = false;

  private constructor() {}

  /** Opens url (with ?access_token=); lastEventId goes in the header as EventSource sends it. */
  static async open(url: string, options: { lastEventId?: string | number; headers?: Record<string, string> } = {}): Promise<SseClient> {
    const client = new SseClient();
    const headers: Record<string, string> = { accept: 'text/event-stream', ...options.headers };
    if (options.lastEventId !== undefined) headers['last-event-id'] = String(options.lastEventId);
    const res = await fetch(url, { headers, signal: client.controller.signal });
    if (res.status !== 200 || !res.headers.get('content-type')?.includes('text/event-stream')) {
      throw new Error(`stream answered ${res.status}: ${await res.text()}`);
    }
    void client.read(res.body!.getReader());
    return client;
  }

  private async read(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          this.parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch {
      // aborted by close()
    } finally {
      this.done = true;
      this.wake();
    }
  }

  private parse(block: string): void {
    let id: string | null = null;
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const [field, ...rest] = line.split(':');
      const value = rest.join(':').replace(/^ /, '');
      if (field === 'id') id = value;
      else if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length === 0) return;
    this.events.push({ id, event, data: JSON.parse(data.join('\n')) });
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Resolves once `count` events arrived; rejects after timeoutMs with what did arrive. */
  async waitFor(count: number, timeoutMs = 10_000): Promise<SseEvent[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.events.length < count) {
      if (this.done) throw new Error(`stream ended after ${this.events.length} of ${count} events`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`only ${this.events.length} of ${count} events within ${timeoutMs} ms: ${JSON.stringify(this.events.map((e) => e.data?.title))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.events.slice(0, count);
  }

  get lastId(): string | null {
    return this.events.at(-1)?.id ?? null;
  }

  close(): void {
    this.controller.abort();
  }
}
