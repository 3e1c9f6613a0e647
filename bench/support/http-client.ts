import { Agent, request } from 'node:http';

/** An answer as the benchmarks read it. */
export interface ClientResponse {
  readonly status: number;
  readonly body: string;
}

/**
 * One simulated client: its own keep-alive connection from its own loopback address (127.0.0.2,
 * 127.0.0.3, …; Linux routes all of 127.0.0.0/8 to the loopback interface). The app limits
 * link routes per client address, so many clients from one address would measure the rate limit
 * rather than the product; distinct addresses are what many people's browsers look like.
 */
export class BenchClient {
  readonly address: string;
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 1 });

  constructor(index: number) {
    this.address = `127.0.${Math.floor(index / 250)}.${2 + (index % 250)}`;
  }

  request(url: string | URL, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<ClientResponse> {
    return new Promise((resolve, reject) => {
      const outgoing = request(
        url,
        {
          method: init.method ?? 'GET',
          headers: { ...init.headers, ...(init.body !== undefined ? { 'content-length': String(Buffer.byteLength(init.body)) } : {}) },
          agent: this.#agent,
          localAddress: this.address,
        },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          incoming.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(init.body);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}
