// Data types of the realistic service, in a file of their own, as a user would keep them.
export enum Role {
  Admin = 'admin',
  Member = 'member',
}

export enum Priority {
  Low,
  Normal,
  High,
}

export const enum Flag {
  On = 1,
  Off = 2,
}

export interface Address {
  street: string;
  city: string;
  zip?: string;
}

export interface Person {
  readonly id: bigint;
  name: string;
  born: Date;
  role: Role;
  address?: Address | null;
  tags: readonly string[];
}

export interface Employee extends Person {
  salary: number;
  manager?: Employee;
}

export type Page<T> = { items: T[]; total: number; next?: string | null };

export interface Tree {
  label: string;
  children: Tree[];
}

export type Shape =
  | { kind: 'circle'; radius: number }
  | { kind: 'rect'; width: number; height: number };

export type UserId = string & { readonly __brand: 'UserId' };
