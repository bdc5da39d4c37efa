/**
 * The implementation of IComDictionary: a Scripting.Dictionary (scrrun.dll) created once per
 * worker with CoCreateInstance and called through its IDictionary vtable with koffi. It runs only
 * inside worker processes (the client names this module as workerModule): the COM server is
 * loaded into the worker, 32-bit or 64-bit as the worker is, never into the application.
 */
import koffi from 'koffi';
import type { ComHost, IComDictionary } from './IComDictionary.js';

const PROG_ID = 'Scripting.Dictionary';
const IID_IDICTIONARY = '{42C642C1-97E1-11CF-978F-00A02463E06F}';
const COINIT_APARTMENTTHREADED = 0x2;
const CLSCTX_INPROC_SERVER = 0x1;
const RPC_E_CHANGED_MODE = 0x80010106 | 0;

const VT_EMPTY = 0;
const VT_I4 = 3;
const VT_R8 = 5;
const VT_BSTR = 8;

/** IDictionary's vtable, in scrrun.idl's order after IUnknown (0-2) and IDispatch (3-6). */
const SLOT = { Release: 2, putItem: 8, getItem: 9, Add: 10, Count: 11, Exists: 12, Remove: 16 } as const;

const POINTER = koffi.sizeof('void *');
// VARIANT: a 2-byte type tag, 6 reserved bytes, then the value; 16 bytes on ia32, 24 on x64.
const VARIANT_SIZE = POINTER === 8 ? 24 : 16;
const VALUE = 8;

const HRESULT = 'int32_t';
const ole32 = koffi.load('ole32.dll');
const oleaut32 = koffi.load('oleaut32.dll');
const CoInitializeEx = ole32.func('__stdcall', 'CoInitializeEx', HRESULT, ['void *', 'uint32_t']) as (reserved: null, flags: number) => number;
const CLSIDFromProgID = ole32.func('__stdcall', 'CLSIDFromProgID', HRESULT, ['const char16_t *', 'void *']) as (progId: string, clsid: Buffer) => number;
const IIDFromString = ole32.func('__stdcall', 'IIDFromString', HRESULT, ['const char16_t *', 'void *']) as (text: string, iid: Buffer) => number;
const CoCreateInstance = ole32.func('__stdcall', 'CoCreateInstance', HRESULT, ['void *', 'void *', 'uint32_t', 'void *', koffi.out(koffi.pointer('void *'))]) as
  (clsid: Buffer, outer: null, context: number, iid: Buffer, object: (bigint | null)[]) => number;
const SysAllocString = oleaut32.func('__stdcall', 'SysAllocString', 'void *', ['const char16_t *']) as (text: string) => bigint | null;
const SysStringLen = oleaut32.func('__stdcall', 'SysStringLen', 'uint32_t', ['void *']) as (bstr: bigint) => number;
const VariantClear = oleaut32.func('__stdcall', 'VariantClear', HRESULT, ['void *']) as (variant: Buffer) => number;

const prototypes = new Map<string, ReturnType<typeof koffi.proto>>();

/** An HRESULT that says the call failed, with its code in the usual hex form. */
export class ComError extends Error {
  override readonly name = 'ComError';
  readonly code: string;
  constructor(what: string, hresult: number) {
    const code = `0x${(hresult >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
    super(`${what} failed with HRESULT ${code}`);
    this.code = code;
  }
}

function check(what: string, hresult: number): void {
  if (hresult < 0) throw new ComError(what, hresult);
}

function readPointer(buffer: Buffer, offset: number): bigint {
  return POINTER === 8 ? buffer.readBigUInt64LE(offset) : BigInt(buffer.readUInt32LE(offset));
}

/** A VARIANT holding `value`; the caller clears it (VariantClear frees its BSTR). */
function toVariant(value: string | number): Buffer {
  const variant = Buffer.alloc(VARIANT_SIZE);
  if (typeof value === 'number') {
    variant.writeUInt16LE(VT_R8, 0);
    variant.writeDoubleLE(value, VALUE);
    return variant;
  }
  const bstr = SysAllocString(value);
  if (bstr === null) throw new Error('SysAllocString failed: out of memory');
  variant.writeUInt16LE(VT_BSTR, 0);
  if (POINTER === 8) variant.writeBigUInt64LE(bstr, VALUE);
  else variant.writeUInt32LE(Number(bstr), VALUE);
  return variant;
}

function fromVariant(variant: Buffer): string | number | null {
  const type = variant.readUInt16LE(0);
  switch (type) {
    case VT_EMPTY: return null;
    case VT_I4: return variant.readInt32LE(VALUE);
    case VT_R8: return variant.readDoubleLE(VALUE);
    case VT_BSTR: {
      const bstr = readPointer(variant, VALUE);
      return bstr === 0n ? '' : koffi.decode(bstr, 'char16_t', SysStringLen(bstr)) as string;
    }
    default: throw new Error(`the dictionary holds a VARIANT of type ${type}, which this sample does not convert`);
  }
}

/** Runs `body` with VARIANTs for `values`, clearing them afterwards whatever happens. */
function withVariants<T>(values: (string | number)[], body: (...variants: Buffer[]) => T): T {
  const variants = values.map(toVariant);
  try {
    return body(...variants);
  } finally {
    for (const v of variants) VariantClear(v);
  }
}

export default class ComDictionary implements IComDictionary {
  readonly #object: bigint;
  readonly #vtable: bigint;

  constructor() {
    const init = CoInitializeEx(null, COINIT_APARTMENTTHREADED);
    if (init !== RPC_E_CHANGED_MODE) check('CoInitializeEx', init);
    const clsid = Buffer.alloc(16);
    check(`CLSIDFromProgID("${PROG_ID}")`, CLSIDFromProgID(PROG_ID, clsid));
    const iid = Buffer.alloc(16);
    check('IIDFromString(IID_IDictionary)', IIDFromString(IID_IDICTIONARY, iid));
    const object: (bigint | null)[] = [null];
    check(`CoCreateInstance("${PROG_ID}")`, CoCreateInstance(clsid, null, CLSCTX_INPROC_SERVER, iid, object));
    this.#object = object[0]!;
    this.#vtable = koffi.decode(this.#object, 'void *') as bigint;
  }

  /**
   * Calls vtable slot `slot` with the object as `this`: COM methods are __stdcall and return an
   * HRESULT. A parameter type "out T" is a T* the method writes.
   */
  #call(slot: number, what: string, types: string[], ...args: unknown[]): void {
    const method = koffi.decode(this.#vtable, slot * POINTER, 'void *') as bigint;
    const key = types.join(',');
    let proto = prototypes.get(key);
    if (proto === undefined) {
      proto = koffi.proto('__stdcall', HRESULT, ['void *', ...types.map((t) => (t.startsWith('out ') ? koffi.out(koffi.pointer(t.slice(4))) : t))]);
      prototypes.set(key, proto);
    }
    check(`IDictionary::${what}`, koffi.call(method, proto, this.#object, ...args) as number);
  }

  host(): ComHost {
    return { pid: process.pid, arch: process.arch, progId: PROG_ID };
  }

  add(key: string, value: string | number): number {
    withVariants([key, value], (k, v) => this.#call(SLOT.Add, 'Add', ['void *', 'void *'], k, v));
    return this.count();
  }

  set(key: string, value: string | number): number {
    withVariants([key, value], (k, v) => this.#call(SLOT.putItem, 'put_Item', ['void *', 'void *'], k, v));
    return this.count();
  }

  get(key: string): string | number | null {
    if (!this.exists(key)) return null;
    const result = Buffer.alloc(VARIANT_SIZE);
    withVariants([key], (k) => this.#call(SLOT.getItem, 'get_Item', ['void *', 'void *'], k, result));
    try {
      return fromVariant(result);
    } finally {
      VariantClear(result);
    }
  }

  exists(key: string): boolean {
    const found = [0];
    withVariants([key], (k) => this.#call(SLOT.Exists, 'Exists', ['void *', 'out int16_t'], k, found));
    // VARIANT_BOOL: -1 is true.
    return found[0] !== 0;
  }

  remove(key: string): number {
    withVariants([key], (k) => this.#call(SLOT.Remove, 'Remove', ['void *'], k));
    return this.count();
  }

  count(): number {
    const count = [0];
    this.#call(SLOT.Count, 'get_Count', ['out int32_t'], count);
    return count[0]!;
  }
}
