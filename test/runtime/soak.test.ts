import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without types, shared with `npm run soak`
import { soak } from '../soak/soak.mjs';

type Report = { calls: number; settled: number; wrong: number; wrongExamples: string[]; marks: number; ranTwice: number; succeededButDidNotRun: number; segfaults: number; timeouts: number; ok: number; workersChecked: number; workersStarted: number; circuit: string; leftoverWorkers: number[]; leftoverDirs: string[] };

describe('soak (short; npm run soak runs 200,000 calls)', () => {
  it('3,000 calls from 64 callers on a pool of 4 at default options, with segfaults, hangs and outside SIGKILLs: every call settles once, correctly, none runs twice, and nothing remains', async () => {
    const report = await (soak as (o: object) => Promise<Report>)({ calls: 3000, seed: 7 });
    expect(report.wrongExamples).toEqual([]);
    expect(report.settled).toBe(3000);
    expect(report.circuit).toBe('closed');
    expect(report.marks).toBeGreaterThan(400);
    expect(report.ranTwice).toBe(0);
    expect(report.succeededButDidNotRun).toBe(0);
    // the leftover check covers every worker the soak started, not only the first ones
    expect(report.workersChecked).toBe(report.workersStarted);
    expect(report.workersStarted).toBeGreaterThan(4);
    expect(report.segfaults).toBeGreaterThan(0);
    expect(report.timeouts + report.segfaults).toBeGreaterThan(0);
    expect(report.ok).toBeGreaterThan(2800);
    expect(report.leftoverWorkers).toEqual([]);
    expect(report.leftoverDirs).toEqual([]);
  }, 120_000);
});
