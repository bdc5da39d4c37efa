/**
 * What a worker's report lacks against what its pool expects: the parent refuses the worker
 * when this is not empty. A worker reporting more than expected (a newer Landlock ABI) is fine.
 */
import { KNOBS, type Confinement } from './report.js';

export function shortfall(expected: Confinement, reported: Confinement): string[] {
  const missing: string[] = [];
  if (reported.landlockAbi < expected.landlockAbi) missing.push(`Landlock ABI ${reported.landlockAbi}, not ${expected.landlockAbi}`);
  if (expected.seccomp && !reported.seccomp) missing.push('no seccomp filter');
  if (expected.noNewPrivs && !reported.noNewPrivs) missing.push('no no_new_privs');
  for (const knob of KNOBS) {
    if (expected[knob] === 'enforced' && reported[knob] !== 'enforced') missing.push(`${knob} ${reported[knob]}, not enforced`);
    // A knob the pool allows must not be refused either: the implementation relies on it.
    if (expected[knob] === 'allowed' && reported[knob] !== 'allowed') missing.push(`${knob} ${reported[knob]}, not allowed`);
  }
  if (expected.uiRestrictions === 'enforced' && reported.uiRestrictions !== 'enforced') missing.push(`uiRestrictions ${reported.uiRestrictions ?? 'not reported'}, not enforced`);
  return missing;
}
