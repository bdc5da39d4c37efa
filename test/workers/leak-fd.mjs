// Preloaded (--import) into a confined worker's first image by confine-handshake.test.ts: opens
// LEAK_FD_FILE with libc's open and no O_CLOEXEC, as an inheritable descriptor the worker's
// re-exec must close. In the second image the open fails (Landlock), which is fine.
import koffi from 'koffi';

const open = koffi.load('libc.so.6').func('int open(const char *path, int flags)');
open(process.env.LEAK_FD_FILE, 0);
