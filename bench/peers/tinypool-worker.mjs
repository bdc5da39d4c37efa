// tinypool's worker module (runtime: 'child_process'): one task argument per call, the export
// chosen by run()'s `name` option.
export const add = ({ a, b }) => a + b;
export const echo = (data) => data;
export const crash = () => process.exit(1);
export const spin = () => { for (;;) { /* busy, never yields */ } };
export const pid = () => process.pid;
