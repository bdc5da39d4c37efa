/**
 * What each knob needs on Windows, without administrator rights (docs/confinement.md):
 *
 * | knob | Windows mechanism |
 * |---|---|
 * | read | none: a job and the integrity level do not limit reads (an AppContainer or another user's restricted token would); unsupported |
 * | write: [] | low integrity: the worker lowers its own token once its pipe is connected, and files labelled medium (the default) refuse it writes |
 * | write: [paths] | unsupported: the paths would need a low-integrity label, which changes them for every process on the machine; process-sandbox does not relabel the application's directories |
 * | network: false | none: refusing sockets needs Windows Filtering Platform rules (administrator) or an AppContainer; unsupported |
 * | childProcesses: false | JOB_OBJECT_LIMIT_ACTIVE_PROCESS 1 on a job holding the worker alone (nested in the pool's) |
 * | signals | low integrity (so only with `write: []`): a process of the application's integrity cannot be opened to terminate it or to touch its memory |
 *
 * Under Wine (8.0 tested) SetInformationJobObject accepts ActiveProcessLimit and the UI limits and
 * SetTokenInformation accepts TokenIntegrityLevel, all returning success, and nothing changes:
 * every knob is unsupported there.
 */
import type { ResolvedConfine } from './options.js';
import type { Knob } from './report.js';
import type { Unsupported } from './requirements.js';

const NEEDS: Readonly<Record<'read' | 'network', string>> = {
  read: 'a limit on the files a process reads, which Windows gives only to an AppContainer or to another user\'s restricted token (process-sandbox builds neither); a Job Object and a low integrity level limit writes, not reads',
  network: 'Windows Filtering Platform rules (administrator rights) or an AppContainer without network capabilities to refuse sockets; a Job Object and the process token cannot',
};

export function windowsUnsupported(options: ResolvedConfine, wanted: readonly Knob[], wine: string | null): Unsupported[] {
  const out: Unsupported[] = [];
  const underWine = (what: string): string => `${what}; this is Wine ${wine}, which accepts that call and does not enforce it`;
  for (const knob of wanted) {
    if (knob === 'read' || knob === 'network') out.push({ knob, needs: NEEDS[knob] });
    else if (knob === 'write' && options.write.length > 0) {
      out.push({ knob, needs: 'a low-integrity label on each write path, which process-sandbox does not set on Windows (it would change the directory for every process); leave confine.write empty on Windows: a low-integrity worker then writes nowhere' });
    } else if (knob === 'signals' && options.write.length > 0) {
      out.push({ knob, needs: 'a low integrity level, which the worker takes only with confine.write empty (a low-integrity worker could not write to the write paths either)' });
    } else if (wine === null) continue;
    else if (knob === 'childProcesses') out.push({ knob, needs: underWine('JOB_OBJECT_LIMIT_ACTIVE_PROCESS on the worker\'s own Job Object') });
    else out.push({ knob, needs: underWine(`a low integrity level (SetTokenInformation TokenIntegrityLevel) to refuse ${knob === 'write' ? 'writes to the application\'s files' : 'opening the application\'s processes'}`) });
  }
  return out;
}
