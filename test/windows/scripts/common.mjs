// Shared by the scripts node.exe runs under Wine (or on Windows): where the compiled library and
// the generated client are, and how a script reports. Each script writes one JSON object to the
// file named by its first argument: its findings, or { error } with the stack.
import { writeFileSync } from 'node:fs';

const generated = new URL('../../.generated/windows/js/', import.meta.url);

export const resultFile = process.argv[2];
export const args = process.argv.slice(3);
export const workerModule = new URL('windows/service/windows-service.js', generated);
/** The Windows path of the 32-bit node.exe, set by the harness. */
export const nodeIa32 = process.env.SANDBOX_NODE_IA32;

/** The generated client class. */
export async function clientClass() {
  const { IWindowsServiceClient } = await import(new URL('.generated/windows/src/IWindowsService.client.js', generated).href);
  return IWindowsServiceClient;
}

/** The compiled library's internals the scripts inspect. */
export async function library() {
  const dist = new URL('../../../dist/runtime/', import.meta.url);
  const load = (path) => import(new URL(path, dist).href);
  const [windows, platform, api, wine, resources, pe] = await Promise.all([
    load('platform/windows.js'), load('platform/platform.js'), load('platform/win32/api.js'),
    load('platform/win32/wine.js'), load('platform/win32/resources.js'), load('platform/win32/pe.js'),
  ]);
  return { windowsPlatform: windows.windowsPlatform, directIsolation: platform.directIsolation, win32: api.win32, EXPECTED_SIZES: api.EXPECTED_SIZES, wineVersion: wine.wineVersion, sampleWin32: resources.sampleWin32, readExecutable: pe.readExecutable };
}

export function report(value) {
  writeFileSync(resultFile, JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? Number(v) : v)));
}

/** Runs the script's body, reports what it returns (or its error), and exits. */
export async function main(body, { timeoutMs = 45_000 } = {}) {
  const watchdog = setTimeout(() => {
    report({ error: `the script did not finish within ${timeoutMs} ms` });
    process.exit(1);
  }, timeoutMs);
  try {
    report((await body()) ?? {});
    process.exitCode = 0;
  } catch (error) {
    report({ error: error?.stack ?? String(error) });
    process.exitCode = 1;
  } finally {
    clearTimeout(watchdog);
  }
  // Pools are closed by the bodies; exit anyway so a leftover handle cannot keep node.exe up.
  process.exit();
}

export const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The error a call fails with (or an error saying it did not fail). */
export async function failure(promise) {
  try {
    const value = await promise;
    return { name: 'NoError', message: `resolved with ${JSON.stringify(value)}` };
  } catch (error) {
    return { name: error.name, message: error.message, exitCode: error.exitCode ?? null, signal: error.signal ?? null };
  }
}
