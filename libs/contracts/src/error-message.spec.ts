import { describe, expect, it } from 'vitest';
import { errorMessageOf } from './errors';

describe('errorMessageOf', () => {
  it("reads Docker's error body, and gives any other body back as it is", () => {
    expect(errorMessageOf('{"message":"update out of sequence"}')).toBe('update out of sequence');
    expect(errorMessageOf('plain text')).toBe('plain text');
    expect(errorMessageOf('{"message":3}')).toBe('{"message":3}');
    expect(errorMessageOf('{"other":1}')).toBe('{"other":1}');
  });
});
