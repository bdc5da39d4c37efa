import { fileURLToPath } from 'node:url';
import { IInventoryClient } from './generated/IInventory.client.js';
import { Unit } from './types.js';

await using inventory = await IInventoryClient.create({
  workerModule: fileURLToPath(new URL('./inventory.js', import.meta.url)),
  minPoolSize: 1,
  maxPoolSize: 1,
  logger: false,
});

const count = await inventory.put([
  { sku: 'a-1', name: 'Apples', unit: Unit.Kilogram, stock: 12n, updated: new Date('2024-05-01T10:00:00Z') },
  { sku: 'b-2', name: 'Bolts', unit: Unit.Piece, stock: 2n ** 64n, updated: new Date('2024-05-02T11:00:00Z'), photo: Buffer.from('png') },
]);
const found = await inventory.get(['b-2', 'zz']);
const bolts = found.get('b-2');
const workerPid = await inventory.pid();

console.log(JSON.stringify({
  count,
  found: [...found.keys()],
  stockIsBigint: typeof bolts?.stock === 'bigint',
  stock: bolts?.stock.toString(),
  updatedIsDate: bolts?.updated instanceof Date,
  updated: bolts?.updated.toISOString(),
  photoIsBuffer: Buffer.isBuffer(bolts?.photo),
  photo: bolts?.photo?.toString(),
  ranElsewhere: workerPid !== process.pid,
}));
