import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { findUiDir, inlineStylesheet, loadAssets } from './console-assets';

describe('console assets', () => {
  it('index.html carries its stylesheet inline, admitted by the hash of exactly that text', () => {
    const css = 'body { color: red; }';
    const out = inlineStylesheet('<head><link rel="stylesheet" href="console.css"></head>', () => css);
    expect(out.html).toBe(`<head><style>${css}</style></head>`);
    expect(out.styleSources).toEqual([`'sha256-${createHash('sha256').update(css).digest('base64')}'`]);
  });

  it('a page without a stylesheet link is left as it is', () => {
    expect(inlineStylesheet('<p>x</p>', () => 'never')).toEqual({ html: '<p>x</p>', styleSources: [] });
  });

  it("the real files: no stylesheet request left, bigger text gzipped to the same bytes", () => {
    const { files, styleSources } = loadAssets(findUiDir());
    const index = files.get('index.html')!.body.toString('utf8');
    expect(index).not.toContain('rel="stylesheet"');
    expect(index).toContain('<style>');
    expect(styleSources).toHaveLength(1);
    const mod = files.get('console.mjs')!;
    expect(mod.gzip && gunzipSync(mod.gzip).equals(mod.body)).toBe(true);
    expect(mod.gzip!.length).toBeLessThan(mod.body.length);
  });
});
