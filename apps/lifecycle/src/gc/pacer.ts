/**
 * Keeps a background job from crowding out the requests a process serves: after each slice of work it rests
 * for `restPerWork` times as long as the slice took, so the job uses at most 1 / (1 + restPerWork) of the time
 * however loaded the process is (a slice takes longer when requests are busy, and the rest grows with it).
 */
export class Pacer {
  private sliceStarted = Date.now();

  constructor(
    private readonly restPerWork: number,
    private readonly onRest: () => void = () => undefined,
  ) {}

  async rest(): Promise<void> {
    this.onRest();
    const worked = Date.now() - this.sliceStarted;
    await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.round(worked * this.restPerWork))));
    this.sliceStarted = Date.now();
  }
}
