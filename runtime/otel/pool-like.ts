import type { ProcessPool } from '../pool.js';

/** What instrumentPool() needs of a pool: its id (which its channel messages carry), its service and stats(). */
export type InstrumentablePool = Pick<ProcessPool, 'id' | 'service' | 'stats'>;
