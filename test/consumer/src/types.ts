export enum Unit {
  Piece = 'piece',
  Kilogram = 'kg',
}

export interface Item {
  sku: string;
  name: string;
  unit: Unit;
  stock: bigint;
  updated: Date;
  photo?: Buffer;
}
