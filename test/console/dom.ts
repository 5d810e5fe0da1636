/**
 * The little of the DOM that page.evaluate callbacks in these tests use: they run in the
 * browser, but tsconfig has no DOM lib (adding it would retype Node's fetch streams).
 * Each file declares `document`/`window` with these types for itself (module scope).
 */
export interface El {
  textContent: string | null;
  childElementCount: number;
  querySelectorAll(selector: string): ArrayLike<El>;
}

export interface Doc {
  querySelector(s: string): El | null;
  querySelectorAll(s: string): ArrayLike<El>;
  getElementById(id: string): El | null;
}

export interface Win {
  sameDocument?: boolean;
}
