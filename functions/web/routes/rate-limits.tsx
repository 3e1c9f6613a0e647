import type { Context, MiddlewareHandler } from 'hono';
import { checkRateLimits, type RateLimitKind } from '#services/rate-limits.ts';
import { MessagePage } from '../pages/layout.tsx';

/**
 * The address a request came from, as the runtime saw it: API Gateway's source IP on AWS, the
 * socket's peer locally. Never a header a client could set.
 */
export function clientAddress(c: Context): string | undefined {
  const env = c.env as
    | { event?: { requestContext?: { http?: { sourceIp?: string } } }; incoming?: { socket?: { remoteAddress?: string } } }
    | undefined;
  return env?.event?.requestContext?.http?.sourceIp ?? env?.incoming?.socket?.remoteAddress;
}

/**
 * Limits a route by client address and, when `target` names one, by what the request is about
 * (an approval, a proposal, a person): 429 with `Retry-After`, a page for people and JSON for the API.
 */
export function rateLimited(
  perClient: RateLimitKind,
  perTarget?: { kind: RateLimitKind; target: (c: Context) => string | undefined },
  /** Counted per signed-in person too, wherever they connect from. */
  perPerson?: RateLimitKind,
): MiddlewareHandler {
  return async (c, next) => {
    const viewer = c.get('viewer');
    const decision = await checkRateLimits(
      [
        { kind: perClient, key: clientAddress(c) },
        ...(perTarget ? [{ kind: perTarget.kind, key: perTarget.target(c) }] : []),
        ...(perPerson && viewer?.kind === 'person' ? [{ kind: perPerson, key: viewer.email }] : []),
      ],
      new Date(),
    );
    if (decision.allowed) {
      await next();
      return;
    }
    c.header('Retry-After', String(decision.retryAfterSeconds));
    if (c.req.path.startsWith('/api/')) return c.json({ error: 'TooManyRequests', message: `Too many requests; try again in ${decision.retryAfterSeconds} s` }, 429);
    return c.html(
      <MessagePage title="Too many attempts" tone="bad">
        <p>
          {c.req.method === 'POST' && (c.req.path === '/proposals' || c.req.path === '/delegation')
            ? `Too many requests in a short time. Wait ${Math.ceil(decision.retryAfterSeconds / 60)} minute(s), then try again.`
            : `This link was tried too often in a short time. Wait ${Math.ceil(decision.retryAfterSeconds / 60)} minute(s), then open it again from your email.`}
        </p>
      </MessagePage>,
      429,
    );
  };
}
