/* global process, console, Buffer, URL, setTimeout */
// A webhook receiver as consumers run one, in its own process: every request to /hooks/<name> is verified with the
// libraries consumers use (standardwebhooks for the Standard Webhooks headers, @octokit/webhooks-methods for
// X-Hub-Signature-256 and Flux's X-Signature, the cloudevents SDK for CloudEvents), recorded, and answered with the
// status scripted for that hook, after `delayMs` if set. /control/<name> (POST {secret, statuses, status, delayMs}) scripts a hook and /received/<name>
// lists what it got. It prints "listening <port>" once ready.
import { createServer } from 'node:http';
import { verify } from '@octokit/webhooks-methods';
import { HTTP } from 'cloudevents';
import { Webhook } from 'standardwebhooks';

const hooks = new Map();
const hook = (name) => {
  if (!hooks.has(name)) hooks.set(name, { secret: undefined, statuses: [], status: 200, delayMs: 0, received: [] });
  return hooks.get(name);
};

const read = (request) =>
  new Promise((resolve, reject) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });

const answer = (response, status, body) => {
  response.writeHead(status, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify(body));
};

const verifications = async (secret, headers, body) => {
  if (!secret) return null;
  let standard = false;
  try {
    new Webhook(secret).verify(body, headers);
    standard = true;
  } catch {
    standard = false;
  }
  const hub = typeof headers['x-hub-signature-256'] === 'string' && (await verify(secret, body, headers['x-hub-signature-256']));
  const flux = typeof headers['x-signature'] === 'string' && (await verify(secret, body, headers['x-signature']));
  return { standard, hub, flux };
};

const cloudEventOf = (headers, body) => {
  try {
    if (!HTTP.isEvent({ headers, body })) return null;
    const event = HTTP.toEvent({ headers, body });
    return { valid: event.validate(), id: event.id, type: event.type, source: event.source, subject: event.subject ?? null, data: event.data ?? null };
  } catch (error) {
    return { valid: false, error: String(error) };
  }
};

const server = createServer(async (request, response) => {
  try {
    const url = new URL(request.url, 'http://receiver');
    const [, kind, name] = url.pathname.split('/');
    const body = await read(request);
    if (kind === 'control' && request.method === 'POST') {
      const target = hook(name);
      const { secret, statuses, status, delayMs } = JSON.parse(body || '{}');
      if (secret !== undefined) target.secret = secret;
      if (delayMs !== undefined) target.delayMs = delayMs;
      if (statuses !== undefined) target.statuses = [...statuses];
      if (status !== undefined) target.status = status;
      return answer(response, 200, { ok: true });
    }
    if (kind === 'received' && request.method === 'GET') return answer(response, 200, hook(name).received);
    if (kind === 'hooks') {
      const target = hook(name);
      const status = target.statuses.length > 0 ? target.statuses.shift() : target.status;
      target.received.push({
        at: Date.now(),
        method: request.method,
        path: url.pathname,
        headers: request.headers,
        body,
        verified: await verifications(target.secret, request.headers, body),
        cloudEvent: cloudEventOf(request.headers, body),
        answered: status,
      });
      if (target.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, target.delayMs));
      return answer(response, status, { status });
    }
    answer(response, 404, { error: 'no such route' });
  } catch (error) {
    answer(response, 500, { error: String(error) });
  }
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`listening ${server.address().port}`));
