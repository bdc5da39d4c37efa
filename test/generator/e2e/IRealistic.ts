// A service interface written as a user would, without thinking of sandbox-gen: imported
// types, a package's type, enums, unions, optional fields, dates, maps, bigints, binary.
import type { IncomingHttpHeaders } from 'node:http';
import type { Address, Employee, Flag, Page, Person, Priority, Role, Shape, Tree, UserId } from './models.js';

export interface Timestamps {
  created: Date;
  updated?: Date;
}

export interface IBase {
  /** Answers pong. */
  ping(): Promise<'pong'>;
}

export interface IRealistic extends IBase {
  /**
   * Returns the person it was given.
   * @idempotent
   */
  person(p: Person): Promise<Person>;
  employee(e: Employee): Employee;
  page(p: Page<Person>): Page<Person>;
  tree(t: Tree): Tree;
  shape(s: Shape): Shape;
  enums(r: Role, p: Priority, f: Flag): [Role, Priority, Flag];
  bigints(values: bigint[], one: bigint): { values: bigint[]; one: bigint };
  dates(d: Date, maybe?: Date | null): { d: Date; maybe: Date | null | undefined };
  maps(m: Map<string, number>, byId: Map<bigint, Person>, byNum: ReadonlyMap<number, string[]>): [Map<string, number>, Map<bigint, Person>, ReadonlyMap<number, string[]>];
  sets(s: Set<string>, n: ReadonlySet<number | bigint>): [Set<string>, ReadonlySet<number | bigint>];
  binary(u: Uint8Array, b: Buffer, ab: ArrayBuffer, f: Float64Array, i: Int16Array, bi: BigInt64Array): {
    u: Uint8Array; b: Buffer; ab: ArrayBuffer; f: Float64Array; i: Int16Array; bi: BigInt64Array;
  };
  tuples(t: [string, number], o: [string, number?], r: [string, ...number[]], ro: readonly [boolean, boolean]): [[string, number], [string, number?], [string, ...number[]], readonly [boolean, boolean]];
  records(r: Record<string, number>, idx: { [key: string]: Address }, counts: Partial<Record<Role, number>>): [Record<string, number>, { [key: string]: Address }, Partial<Record<Role, number>>];
  utility(p: Partial<Person>, pick: Pick<Person, 'name' | 'role'>, omit: Omit<Employee, 'manager' | 'salary'>, req: Required<Address>, ro: Readonly<Address>): [Partial<Person>, Pick<Person, 'name' | 'role'>, Omit<Employee, 'manager' | 'salary'>, Required<Address>, Readonly<Address>];
  intersect(x: Address & Timestamps): Address & Timestamps;
  nullish(a: string | null | undefined, b?: number): [string | null | undefined, number | undefined];
  literals(a: 'x' | 'y', n: 1 | 2, t: true, big: 10n): ['x' | 'y', 1 | 2, true, 10n];
  anything(x: unknown): unknown;
  brand(id: UserId): UserId;
  headers(h: IncomingHttpHeaders): IncomingHttpHeaders;
  nothing(): void;
}
