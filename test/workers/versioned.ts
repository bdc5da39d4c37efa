export default {
  greet(name: string, excited?: boolean): string {
    return `hello ${name}${excited ? '!' : ''}`;
  },
};
