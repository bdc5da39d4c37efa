/**
 * The environment a confined Linux worker starts with when its pool gives none: not the
 * application's process.env, which holds its API keys and database passwords, but the few
 * variables a Node.js process and the C libraries under it read to run as the application does
 * (where programs are, the locale, the time zone, the temporary directory, the user's identity),
 * and the compile cache the pool set. Confinement does not hide a process's environment from
 * itself, and a compromised worker could pass a secret on through its results, its output (the
 * application's logs) or, with `write`, a file. A pool that sets `env` gets exactly that.
 * NODE_OPTIONS stays out too: its preloads would run before confinement (docs/confinement.md).
 */
const KEPT = new Set(['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR', 'NODE_ENV', 'NODE_COMPILE_CACHE', 'NODE_EXTRA_CA_CERTS']);

/** What of `env` a confined worker keeps by default: KEPT and the locale's LC_* variables. */
export function defaultConfinedEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  const kept: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && (KEPT.has(name) || name.startsWith('LC_'))) kept[name] = value;
  }
  return kept;
}
