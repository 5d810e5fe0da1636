import { describe, expect, it } from 'vitest';
import { loadError } from './image-load';

describe('loadError: reading the engine answer to POST /images/load', () => {
  it.each([
    ['{"stream":"Loaded image: app_web:latest\\n"}\n', undefined],
    ['{"stream":"Loaded image ID: sha256:abc\\n"}\r\n', undefined],
    ['{"status":"Loading layer","progressDetail":{"current":1,"total":2}}\n{"stream":"Loaded image: a:1\\n"}\n', undefined],
    ['{"errorDetail":{"message":"unexpected EOF"},"error":"unexpected EOF"}\n', 'unexpected EOF'],
    ['{"error":"archive/tar: invalid tar header"}\n', 'archive/tar: invalid tar header'],
    ['', 'image load failed: the engine loaded no image from the archive'],
    ['{"stream":"Loaded image: a:1\\n"}\n{"error":"later failure"}\n', 'later failure'],
  ])('%j', (out, want) => {
    expect(loadError(out)).toBe(want);
  });
});
