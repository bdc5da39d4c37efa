/** The sample's output: a table of steps, one row per call, wrapped to fixed column widths. */

export const columns = [
  { title: 'step', width: 4 },
  { title: 'what happened', width: 40 },
  { title: 'result / error', width: 40 },
  { title: 'worker pid', width: 10 },
] as const;
let step = 0;

/** Splits text into lines of at most `width` characters, at spaces where it can. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let rest = text;
  while (rest.length > width) {
    const space = rest.lastIndexOf(' ', width);
    const cut = space > 0 ? space : width;
    lines.push(rest.slice(0, cut));
    rest = rest.slice(cut).trimStart();
  }
  lines.push(rest);
  return lines;
}

export function printCells(cells: readonly string[]): void {
  const wrapped = cells.map((cell, i) => wrap(cell, columns[i]!.width));
  const height = Math.max(...wrapped.map((lines) => lines.length));
  for (let line = 0; line < height; line++) {
    const text = wrapped.map((lines, i) => (lines[line] ?? '').padEnd(columns[i]!.width)).join('  ');
    console.log(text.trimEnd());
  }
}

export function rule(char: string): void {
  console.log(char.repeat(columns.reduce((sum, c) => sum + c.width, 0) + 2 * (columns.length - 1)));
}

export function section(title: string): void {
  console.log('');
  console.log(title);
  rule('-');
}

export function row(what: string, result: string, pid: number | undefined): void {
  printCells([String(++step), what, result, pid === undefined ? '-' : String(pid)]);
}

/** The number of the last row printed, for what a failed check says. */
export function currentStep(): number {
  return step;
}
