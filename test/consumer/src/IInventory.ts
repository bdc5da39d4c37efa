import type { Item } from './types.js';

export interface IInventory {
  /** Stores items and returns how many there are now. */
  put(items: Item[]): Promise<number>;
  /** Looks items up by SKU; missing ones are absent from the map. */
  get(skus: string[]): Promise<Map<string, Item>>;
  /** The worker's process id, to show the call ran elsewhere. */
  pid(): number;
}
