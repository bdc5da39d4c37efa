// How figures print, shared by the main table (report.mjs), the peers' tables (peers/report.mjs)
// and the README section (readme-table.mjs), so one figure reads the same everywhere.

export const us = (v) => `${v.toFixed(1)} µs`;
export const ms = (v) => (v === null || v === undefined ? '–' : !Number.isFinite(v) ? 'never' : v >= 100 ? `${Math.round(v)} ms` : v >= 10 ? `${v.toFixed(1)} ms` : `${v.toFixed(2)} ms`);
export const ratio = (v, digits = 2) => `${v.toFixed(digits)}×`;
export const perSecond = (v) => `${Math.round(v).toLocaleString('en-US')} calls/s`;
export const mibPerSecond = (v) => `${v >= 10 ? Math.round(v) : v.toFixed(2)} MiB/s`;

/** A failed side's cell: the reason, short enough for a table. */
export const failedCell = (reason) => `failed: ${reason.length > 80 ? `${reason.slice(0, 79)}…` : reason}`;

/** Rows (the first is the header) as aligned text lines, a rule under the header. */
export function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => String(row[i] ?? '').length)));
  const line = (row) => row.map((cell, i) => String(cell ?? '').padEnd(widths[i])).join('  ').trimEnd();
  return [line(rows[0]), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.slice(1).map(line)];
}
