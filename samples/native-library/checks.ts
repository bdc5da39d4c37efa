/** The sample's checks: an outcome other than the one the library promises ends it with exit code 1. */
import { currentStep } from './table.js';

/** An outcome the library promises did not happen. */
export class UnexpectedOutcome extends Error {
  override readonly name = 'UnexpectedOutcome';
}

export function expect(condition: boolean, why: string): asserts condition {
  if (!condition) throw new UnexpectedOutcome(`step ${currentStep()}: ${why}`);
}

/** Awaits a call that must fail, and returns its error (the call resolving is an unexpected outcome). */
export async function failure(call: Promise<unknown>, what: string): Promise<unknown> {
  try {
    const value = await call;
    throw new UnexpectedOutcome(`${what} returned ${JSON.stringify(value)}; it should have failed`);
  } catch (error) {
    if (error instanceof UnexpectedOutcome) throw error;
    return error;
  }
}

export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
