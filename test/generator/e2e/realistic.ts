// The implementation the worker runs: every method hands back what it was given.
import type { IRealistic } from './IRealistic.js';

const echo = (...args: unknown[]): unknown => args;

export default class Realistic implements IRealistic {
  ping(): Promise<'pong'> { return Promise.resolve('pong'); }
  person: IRealistic['person'] = async (p) => p;
  employee: IRealistic['employee'] = (e) => e;
  page: IRealistic['page'] = (p) => p;
  tree: IRealistic['tree'] = (t) => t;
  shape: IRealistic['shape'] = (s) => s;
  enums = echo as IRealistic['enums'];
  bigints: IRealistic['bigints'] = (values, one) => ({ values, one });
  dates: IRealistic['dates'] = (d, maybe) => ({ d, maybe });
  maps = echo as IRealistic['maps'];
  sets = echo as IRealistic['sets'];
  binary: IRealistic['binary'] = (u, b, ab, f, i, bi) => ({ u, b, ab, f, i, bi });
  tuples = echo as IRealistic['tuples'];
  records = echo as IRealistic['records'];
  utility = echo as IRealistic['utility'];
  intersect: IRealistic['intersect'] = (x) => x;
  nullish = echo as IRealistic['nullish'];
  literals = echo as IRealistic['literals'];
  anything: IRealistic['anything'] = (x) => x;
  brand: IRealistic['brand'] = (id) => id;
  headers: IRealistic['headers'] = (h) => h;
  nothing(): void {}
}
