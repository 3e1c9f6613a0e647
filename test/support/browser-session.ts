/**
 * A browser without a browser: fetch with a cookie jar and redirects followed by hand, so that a
 * test goes through sign-in as a person does (the app, the provider's pages, the callback) and sees
 * every hop. Cookies are kept per host, not per port, as browsers keep them.
 */
interface StoredCookie {
  readonly value: string;
  readonly path: string;
  readonly expiresAt?: number;
}

export class BrowserSession {
  readonly #cookies = new Map<string, Map<string, StoredCookie>>();

  /** The cookie `name` for `url`'s host, if the jar holds one. */
  cookie(url: string, name: string): string | undefined {
    return this.#cookies.get(new URL(url).hostname)?.get(name)?.value;
  }

  /** Sets a cookie by hand (a stolen or replayed one, in a test). */
  setCookie(url: string, name: string, value: string): void {
    const host = new URL(url).hostname;
    if (!this.#cookies.has(host)) this.#cookies.set(host, new Map());
    this.#cookies.get(host)!.set(name, { value, path: '/' });
  }

  #cookieHeader(url: URL): string | undefined {
    const jar = this.#cookies.get(url.hostname);
    if (!jar) return undefined;
    const now = Date.now();
    const sent = [...jar.entries()]
      .filter(([, cookie]) => (cookie.expiresAt === undefined || cookie.expiresAt > now) && url.pathname.startsWith(cookie.path))
      .map(([name, cookie]) => `${name}=${cookie.value}`);
    return sent.length > 0 ? sent.join('; ') : undefined;
  }

  #store(url: URL, response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(';').map((part) => part.trim());
      const separator = pair!.indexOf('=');
      const name = pair!.slice(0, separator);
      const value = pair!.slice(separator + 1);
      let path = '/';
      let expiresAt: number | undefined;
      for (const attribute of attributes) {
        const [key, raw = ''] = attribute.split('=');
        if (key!.toLowerCase() === 'path') path = raw;
        if (key!.toLowerCase() === 'max-age') expiresAt = Date.now() + Number(raw) * 1000;
        if (key!.toLowerCase() === 'expires' && expiresAt === undefined) expiresAt = Date.parse(raw);
      }
      if (!this.#cookies.has(url.hostname)) this.#cookies.set(url.hostname, new Map());
      const jar = this.#cookies.get(url.hostname)!;
      if (expiresAt !== undefined && expiresAt <= Date.now()) jar.delete(name);
      else jar.set(name, { value, path, ...(expiresAt !== undefined ? { expiresAt } : {}) });
    }
  }

  /** One request, no redirects followed; cookies sent and stored. */
  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const headers = new Headers(init.headers);
    const cookie = this.#cookieHeader(target);
    if (cookie) headers.set('cookie', cookie);
    const response = await fetch(target, { ...init, headers, redirect: 'manual' });
    this.#store(target, response);
    return response;
  }

  /** A request and every redirect after it (as GET, as browsers do after 302 and 303); returns each hop. */
  async follow(url: string, init: RequestInit = {}, maxHops = 10): Promise<{ response: Response; url: string; hops: string[] }> {
    let current = url;
    let response = await this.request(current, init);
    const hops = [current];
    for (let hop = 0; hop < maxHops && response.status >= 300 && response.status < 400; hop += 1) {
      current = new URL(response.headers.get('location')!, current).href;
      hops.push(current);
      await response.body?.cancel();
      response = await this.request(current);
    }
    return { response, url: current, hops };
  }

  /** Posts a form as a browser would. */
  postForm(url: string, fields: Record<string, string>): Promise<Response> {
    return this.request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  }

  /**
   * Signs in at the app as `email` through the local provider's development sign-in page, starting
   * from `path` of the app, and returns the page the app returns to.
   */
  async signIn(webUrl: string, email: string, path = '/'): Promise<{ response: Response; url: string }> {
    const start = await this.follow(`${webUrl}${path}`);
    if (!start.url.includes('/interaction/')) throw new Error(`Expected the sign-in page, got ${start.url} (${start.response.status})`);
    await start.response.body?.cancel();
    const posted = await this.request(`${start.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email }).toString(),
    });
    if (posted.status < 300 || posted.status >= 400) throw new Error(`The development sign-in refused ${email}: ${posted.status} ${await posted.text()}`);
    const back = await this.follow(new URL(posted.headers.get('location')!, start.url).href);
    return back;
  }
}

/** The CSRF token of the first form of a page. */
export function csrfTokenOf(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('The page has no CSRF field');
  return token;
}
