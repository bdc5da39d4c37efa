// Runs in the worker process.
import type { IInventory } from './IInventory.js';
import type { Item } from './types.js';

export default class Inventory implements IInventory {
  readonly #items = new Map<string, Item>();

  async put(items: Item[]): Promise<number> {
    for (const item of items) this.#items.set(item.sku, item);
    return this.#items.size;
  }

  async get(skus: string[]): Promise<Map<string, Item>> {
    const found = new Map<string, Item>();
    for (const sku of skus) {
      const item = this.#items.get(sku);
      if (item !== undefined) found.set(sku, item);
    }
    return found;
  }

  pid(): number {
    return process.pid;
  }
}
