// What koffi makes of the Win32 structs in this node.exe (x64 or ia32), whether this is Wine,
// what the PE headers of both node.exe say, and what this process measures of itself.
import { library, main, nodeIa32 } from './common.mjs';

await main(async () => {
  const lib = await library();
  const api = lib.win32();
  const x64 = process.env.SANDBOX_NODE_X64;
  return {
    arch: process.arch,
    wine: lib.wineVersion(),
    sizes: {
      JOBOBJECT_EXTENDED_LIMIT_INFORMATION: api.koffi.sizeof(api.structs.JOBOBJECT_EXTENDED_LIMIT_INFORMATION),
      PROCESS_MEMORY_COUNTERS_EX: api.koffi.sizeof(api.structs.PROCESS_MEMORY_COUNTERS_EX),
    },
    expected: lib.EXPECTED_SIZES[process.arch],
    executables: { ia32: await lib.readExecutable(nodeIa32), x64: await lib.readExecutable(x64) },
    ceilings: { ia32: await lib.windowsPlatform.workerMemoryCeilingBytes(nodeIa32), x64: await lib.windowsPlatform.workerMemoryCeilingBytes(x64) },
    self: await lib.sampleWin32(process.pid),
  };
});
