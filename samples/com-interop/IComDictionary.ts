/**
 * The service the application calls: a Scripting.Dictionary COM object, which lives in a
 * worker process. sandbox-gen reads this file and generates IComDictionaryClient, the worker
 * entry and the validators.
 */
export interface ComHost {
  /** The worker's process id. */
  pid: number;
  /** The worker's architecture: a 32-bit COM server needs an "ia32" worker. */
  arch: string;
  /** The COM class the worker created. */
  progId: string;
}

export interface IComDictionary {
  /** Where the COM object lives. */
  host(): ComHost;
  /** IDictionary::Add; fails with the COM error 0x800A01C9 if the key exists. Returns the new count. */
  add(key: string, value: string | number): number;
  /** IDictionary::put_Item: adds or replaces. Returns the count. */
  set(key: string, value: string | number): number;
  /** IDictionary::get_Item, or null when the key is absent. */
  get(key: string): string | number | null;
  /** IDictionary::Exists. */
  exists(key: string): boolean;
  /** IDictionary::Remove; fails with the COM error 0x800A0005 if the key is absent. Returns the count. */
  remove(key: string): number;
  /** IDictionary::get_Count. */
  count(): number;
}
