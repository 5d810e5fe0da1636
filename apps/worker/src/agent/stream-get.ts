import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * A GET whose answer body is a Node stream, for large bodies (image archives):
 * node:http, not fetch, because fetch's web stream turned back into a Node
 * stream cost ~1.5 s more per 20 MB in a fresh process on this machine
 * (bench/image-ship). Only the wait for the answer's head is bounded.
 */
export function streamGet(url: string, headers: Record<string, string>, headTimeoutMs: number): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const request = u.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(u, { method: 'GET', headers }, (answer) => {
      clearTimeout(timer);
      resolve(answer);
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${headTimeoutMs / 1000} s`)), headTimeoutMs);
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.end();
  });
}

/** The whole body as text (an error answer's). */
export async function readText(answer: IncomingMessage): Promise<string> {
  let text = '';
  answer.setEncoding('utf8');
  for await (const chunk of answer) text += chunk as string;
  return text;
}
