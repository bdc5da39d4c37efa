/** Implementations that cannot serve ITestService, for start-up error tests. */
export const incomplete = {
  add(a: number, b: number): number { return a + b; },
};

export class ThrowsInConstructor {
  constructor() {
    throw new Error('cannot initialise the native library');
  }
}
