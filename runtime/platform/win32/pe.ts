/**
 * What a Windows executable is built for, read from its PE header: whether a worker it runs is a
 * 32-bit process, and how much memory such a process can address. The pool caps its memory
 * threshold below that, so a 32-bit worker (the seed's 32-bit COM case) is recycled before
 * allocations start failing inside it.
 */
import { open } from 'node:fs/promises';

const IMAGE_FILE_MACHINE_I386 = 0x014c;
const IMAGE_FILE_LARGE_ADDRESS_AWARE = 0x0020;
const GIB = 1024 ** 3;
/** The share of a 32-bit address space a worker may use before it is recycled: fragmentation makes large allocations fail well before it is full. */
const USABLE_SHARE = 0.75;

export interface ExecutableInfo {
  readonly machine: number;
  readonly is32Bit: boolean;
  /** The user address space a process of this executable gets on 64-bit Windows; undefined when it is not the 32-bit limit. */
  readonly addressSpaceBytes: number | undefined;
}

/** undefined when the file cannot be read or is not a PE image (a script, a launcher). */
export async function readExecutable(path: string): Promise<ExecutableInfo | undefined> {
  let header: Buffer;
  try {
    const file = await open(path, 'r');
    try {
      header = Buffer.alloc(4096);
      const { bytesRead } = await file.read(header, 0, header.length, 0);
      header = header.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
  } catch {
    return undefined;
  }
  if (header.length < 0x40 || header.toString('latin1', 0, 2) !== 'MZ') return undefined;
  const pe = header.readUInt32LE(0x3c);
  if (pe + 24 > header.length || header.toString('latin1', pe, pe + 4) !== 'PE\0\0') return undefined;
  const machine = header.readUInt16LE(pe + 4);
  const characteristics = header.readUInt16LE(pe + 22);
  const is32Bit = machine === IMAGE_FILE_MACHINE_I386;
  // Without LARGEADDRESSAWARE a 32-bit process gets 2 GiB; with it, 4 GiB under 64-bit Windows.
  const addressSpaceBytes = !is32Bit ? undefined : (characteristics & IMAGE_FILE_LARGE_ADDRESS_AWARE) !== 0 ? 4 * GIB : 2 * GIB;
  return { machine, is32Bit, addressSpaceBytes };
}

/** The most memory a worker run by `executable` should reach before it is recycled; undefined when its address space sets no practical bound. */
export async function workerMemoryCeiling(executable: string): Promise<number | undefined> {
  const info = await readExecutable(executable);
  return info?.addressSpaceBytes === undefined ? undefined : Math.floor(info.addressSpaceBytes * USABLE_SHARE);
}
