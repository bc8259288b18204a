/**
 * The frames a stream translator has written since it last handed them on: each protocol's
 * translator writes its events here as it makes them, and each call it answers takes them all.
 */
export class FrameBuffer {
  #frames = "";

  write(frames: string): void {
    this.#frames += frames;
  }

  /** Everything written since the last take; the buffer is empty after. */
  take(): string {
    const frames = this.#frames;
    this.#frames = "";
    return frames;
  }
}
