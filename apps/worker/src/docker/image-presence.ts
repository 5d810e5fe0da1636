/**
 * Which images this engine has, learnt once per image: fifty tasks of one image
 * started together ask the engine one inspect, not fifty. A present image is
 * trusted for `ttlMs`; a miss is never cached (it may be shipped or loaded a
 * moment later), and `forget` drops an image the engine says is gone.
 */
export class ImagePresence {
  private readonly seen = new Map<string, number>();
  private readonly asking = new Map<string, Promise<boolean>>();

  constructor(
    private readonly exists: (image: string) => Promise<boolean>,
    private readonly now: () => number = Date.now,
    private readonly ttlMs = 30_000,
  ) {}

  has(image: string): Promise<boolean> {
    const at = this.seen.get(image);
    if (at !== undefined && this.now() - at < this.ttlMs) return Promise.resolve(true);
    let p = this.asking.get(image);
    if (!p) {
      // One question in flight per image; everyone who asks meanwhile shares its answer.
      p = this.exists(image)
        .then((ok) => {
          if (ok) this.seen.set(image, this.now());
          else this.seen.delete(image);
          return ok;
        })
        .finally(() => this.asking.delete(image));
      this.asking.set(image, p);
    }
    return p;
  }

  forget(image: string): void {
    this.seen.delete(image);
  }
}
