// When each stage of one load ended, in ms since the load began: the bench prints them
// (where the time goes between the file and the first frame), nothing decides by them.

export class StageClock {
  private readonly t0 = performance.now();
  readonly marks: Record<string, number> = {};

  /** Records that `stage` ended now (a repeated stage keeps its last time). */
  mark(stage: string): void {
    this.marks[stage] = Math.round(performance.now() - this.t0);
  }

  /** Records that `stage` began now, unless it was seen before. */
  markFirst(stage: string): void {
    if (!(stage in this.marks)) this.mark(stage);
  }
}
