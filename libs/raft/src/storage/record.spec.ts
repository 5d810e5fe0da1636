import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { crc32 } from 'node:zlib';
import { HEADER, RecordType, decodeRecord, encodeRecord, type WalRecord } from './record';
import { RecordCipher } from './record-cipher';

/** Property tests of the WAL record decoder: whatever the bytes, a record or a named failure, never a throw. */

const n = fc.nat({ max: 2 ** 40 });
const record: fc.Arbitrary<WalRecord> = fc.oneof(
  fc.record({ type: fc.constant(RecordType.Entry as const), entry: fc.record({ index: n, term: n, type: fc.constantFrom<'normal' | 'conf'>('normal', 'conf'), data: fc.string({ maxLength: 20 }) }) }),
  fc.record({ type: fc.constant(RecordType.HardState as const), hard: fc.record({ term: n, commit: n, vote: fc.option(fc.string({ maxLength: 8 }), { nil: null }) }) }),
  fc.record({ type: fc.constant(RecordType.LogReset as const), index: n, term: n }),
) as fc.Arbitrary<WalRecord>;
const cipher = new RecordCipher(new Uint8Array(32).fill(7));

/** A record whose payload was changed and whose CRC was recomputed to match (a forged or mis-written record). */
function reCrc(payload: Buffer): Buffer {
  const out = Buffer.alloc(HEADER + payload.length);
  out.writeUInt32LE(payload.length, 0);
  out.writeUInt32LE(crc32(payload), 4);
  payload.copy(out, HEADER);
  return out;
}

describe('decodeRecord', () => {
  it('arbitrary bytes, with and without a data key: a record or a failure', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.nat({ max: 100 }), (b, at) => {
        decodeRecord(Buffer.from(b), at);
        decodeRecord(Buffer.from(b), at, cipher);
      }),
      { numRuns: 1000 },
    );
  });

  const FIXED = { [RecordType.Entry]: 14, [RecordType.HardState]: 13, [RecordType.LogReset]: 12 };

  it('a valid record cut into its fixed part, with a CRC that matches: a length failure', () => {
    fc.assert(
      fc.property(record, fc.nat(), (r, cut) => {
        const payload = encodeRecord(r).subarray(HEADER);
        const short = payload.subarray(0, 1 + (cut % payload.length));
        const d = decodeRecord(reCrc(short), 0);
        // Cut inside the variable tail (an entry's data, a vote) it is still a record, only a shorter one.
        if (short.length < 1 + FIXED[r.type]) expect(d).toEqual({ fail: 'length' });
        else expect('record' in d).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips, sealed or not', () => {
    fc.assert(
      fc.property(record, fc.boolean(), (r, sealed) => {
        const d = decodeRecord(encodeRecord(r, sealed ? cipher : undefined), 0, cipher);
        expect(d).toMatchObject({ record: r, sealed });
      }),
      { numRuns: 300 },
    );
  });

  it('an unknown type byte is a type failure', () => {
    expect(decodeRecord(reCrc(Buffer.from([0x42, 1, 2, 3])), 0)).toEqual({ fail: 'type' });
  });
});
