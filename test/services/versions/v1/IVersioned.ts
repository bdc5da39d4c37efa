export interface IVersioned {
  greet(name: string): string;
}
