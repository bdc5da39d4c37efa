export interface IVersioned {
  greet(name: string, excited: boolean): string;
}
