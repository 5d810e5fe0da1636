import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RaftError } from '../core/errors';
import type { Message } from '../core/messages';
import { FrameDecoder, decodeMessage, encodeMessage, frame } from './codec';

/** Property tests of what decodes bytes from the network: a Message or a RaftError('corrupt'), nothing else, and fast. */

const id = fc.string({ minLength: 1, maxLength: 8 });
const n = fc.nat({ max: 2 ** 40 });
const base = { from: id, to: id, term: n };
const entry = fc.record({ index: n, term: n, type: fc.constantFrom<'normal' | 'conf'>('normal', 'conf'), data: fc.oneof(fc.string({ maxLength: 20 }), fc.uint8Array({ maxLength: 20 })) });
const message: fc.Arbitrary<Message> = fc.oneof(
  fc.record({ ...base, type: fc.constant('app' as const), index: n, logTerm: n, commit: n, entries: fc.array(entry, { maxLength: 4 }) }),
  fc.record({ ...base, type: fc.constant('appResp' as const), index: n, reject: fc.boolean(), hintIndex: n, hintTerm: n }),
  fc.record({ ...base, type: fc.constantFrom('vote' as const, 'preVote' as const), index: n, logTerm: n, transfer: fc.boolean() }),
  fc.record({ ...base, type: fc.constantFrom('voteResp' as const, 'preVoteResp' as const), reject: fc.boolean() }),
  fc.record({ ...base, type: fc.constant('heartbeat' as const), commit: n, context: fc.string({ maxLength: 8 }) }),
  fc.record({ ...base, type: fc.constant('heartbeatResp' as const), context: fc.string({ maxLength: 8 }) }),
  fc.record({ ...base, type: fc.constant('snap' as const), meta: fc.record({ index: n, term: n, conf: fc.constant({ voters: ['a'], learners: [] }) }), offset: n, total: n, data: fc.uint8Array({ maxLength: 30 }) }),
  fc.record({ ...base, type: fc.constant('snapResp' as const), index: n, offset: n }),
  fc.record({ ...base, type: fc.constant('timeoutNow' as const) }),
  fc.record({ ...base, type: fc.constant('readIndex' as const), context: fc.string({ maxLength: 8 }) }),
  fc.record({ ...base, type: fc.constant('readIndexResp' as const), context: fc.string({ maxLength: 8 }), index: n }),
) as fc.Arbitrary<Message>;

/** A frame body (without its length prefix), as the transport hands it over. */
const body = (m: Message) => encodeMessage(m).subarray(4);

function decodes(b: Buffer): Message | RaftError {
  try {
    return decodeMessage(b);
  } catch (e) {
    if (e instanceof RaftError && e.code === 'corrupt') return e;
    throw new Error(`untyped ${String(e)} for ${b.toString('hex').slice(0, 200)}`);
  }
}

describe('decodeMessage', () => {
  it('round-trips every message type', () => {
    fc.assert(
      fc.property(message, (m) => {
        const back = decodeMessage(body(m)) as unknown as Record<string, unknown>;
        const want = { ...m } as Record<string, unknown>;
        if ('data' in want) want.data = new Uint8Array(want.data as Uint8Array);
        if ('entries' in want) want.entries = (want.entries as { data: unknown }[]).map((e) => ({ ...e, data: typeof e.data === 'string' ? e.data : new Uint8Array(e.data as Uint8Array) }));
        expect(back).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });

  it('arbitrary bytes: a message or a typed error', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => void decodes(Buffer.from(b))), { numRuns: 1000 });
  });

  it('valid frames with bytes flipped, cut or appended: a message or a typed error', () => {
    fc.assert(
      fc.property(message, fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 4 }), fc.nat(), fc.uint8Array({ maxLength: 8 }), (m, flips, cut, tail) => {
        const b = Buffer.from(body(m));
        for (const [at, v] of flips) b[at % b.length] = v;
        decodes(b);
        decodes(b.subarray(0, cut % (b.length + 1)));
        decodes(Buffer.concat([b, tail]));
      }),
      { numRuns: 500 },
    );
  });

  it.each<[string, Buffer]>([
    ['an empty body', Buffer.alloc(0)],
    ['a header longer than the frame', Buffer.from([0xff, 0xff, 0xff, 0x0f, 0x7b])],
    ['a header that is not JSON', Buffer.concat([u32(3), Buffer.from('{x}'), u32(0)])],
    ['a header that is null', Buffer.concat([u32(4), Buffer.from('null'), u32(0)])],
    ['an unknown type', hdr({ type: 'boom', from: 'a', to: 'b', term: 1 })],
    ['a negative term', hdr({ type: 'timeoutNow', from: 'a', to: 'b', term: -1 })],
    ['a term of 1e400', raw('{"type":"timeoutNow","from":"a","to":"b","term":1e400}')],
    ['a string where a boolean is', hdr({ type: 'voteResp', from: 'a', to: 'b', term: 1, reject: 'no' })],
    ['four billion entries in a few bytes', Buffer.concat([hdrOnly({ type: 'app', from: 'a', to: 'b', term: 1, index: 0, logTerm: 0, commit: 0 }), u32(0xffffffff)])],
    ['an entry longer than the frame', Buffer.concat([hdrOnly({ type: 'app', from: 'a', to: 'b', term: 1, index: 0, logTerm: 0, commit: 0 }), u32(1), Buffer.alloc(13), u32(1000)])],
    ['entries on a vote', Buffer.concat([hdrOnly({ type: 'voteResp', from: 'a', to: 'b', term: 1, reject: true }), u32(1), Buffer.alloc(17)])],
  ])('refuses %s with a RaftError', (_what, b) => {
    expect(() => decodeMessage(b)).toThrow(RaftError);
  });
});

describe('FrameDecoder', () => {
  it('any byte stream, in any chunks: frames, or a typed error', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 8 }), (chunks) => {
        const dec = new FrameDecoder(1024);
        try {
          for (const c of chunks) dec.push(Buffer.from(c), (b) => void decodes(b));
        } catch (e) {
          if (!(e instanceof RaftError)) throw e;
        }
      }),
      { numRuns: 500 },
    );
  });

  it('valid frames split anywhere come out whole', () => {
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 4 }), fc.nat(), (ms, split) => {
        const stream = Buffer.concat(ms.map((m) => frame(body(m))));
        const at = split % (stream.length + 1);
        const got: Message[] = [];
        const dec = new FrameDecoder();
        dec.push(stream.subarray(0, at), (b) => got.push(decodeMessage(b)));
        dec.push(stream.subarray(at), (b) => got.push(decodeMessage(b)));
        expect(got.map((m) => m.type)).toEqual(ms.map((m) => m.type));
      }),
      { numRuns: 200 },
    );
  });
});

function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return b;
}

function hdrOnly(h: object): Buffer {
  const j = Buffer.from(JSON.stringify(h));
  return Buffer.concat([u32(j.length), j]);
}

function raw(json: string): Buffer {
  const j = Buffer.from(json);
  return Buffer.concat([u32(j.length), j, u32(0)]);
}

function hdr(h: object): Buffer {
  return Buffer.concat([hdrOnly(h), u32(0)]);
}
