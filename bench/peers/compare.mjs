// Reading the peers' results: process-sandbox's figure and the best peer's, for the tables that
// put them side by side (peers/report.mjs, report.mjs, readme-table.mjs). No measuring here.

const SANDBOX = 'process-sandbox';

/** The peer (not process-sandbox) with the lowest figure, as { peer, value }; undefined when none has one. */
export function bestPeer(figures) {
  let best;
  for (const [peer, value] of Object.entries(figures)) {
    if (peer === SANDBOX || typeof value !== 'number' || !Number.isFinite(value)) continue;
    if (best === undefined || value < best.value) best = { peer, value };
  }
  return best;
}

/** How a pool shape reads: process-sandbox's min / max, a peer's process count. */
export function shapeLabel({ peer, workers, minWorkers }) {
  if (peer === SANDBOX) return `${peer}, min ${minWorkers} / max ${workers}`;
  return `${peer}, ${workers} process${workers === 1 ? '' : 'es'}`;
}

/** The shapes of a crash or timeout result that have `field`, for one pool size, as { peer: value } (peers only). */
export function peerFigures(shapes, workers, field) {
  const out = {};
  for (const s of shapes ?? []) {
    if (s.peer !== SANDBOX && s.workers === workers && typeof s[field] === 'number') out[s.peer] = s[field];
  }
  return out;
}

/** process-sandbox's shape of a crash or timeout result. */
export const sandboxShape = (shapes, workers, minWorkers) => shapes?.find((s) => s.peer === SANDBOX && s.workers === workers && s.minWorkers === minWorkers);

/** A side's cold-start median in one environment variant ('asIs' or 'withoutExtraCaCerts'). */
export const coldStartMs = (coldStart, variant, side) => coldStart?.[variant]?.[side]?.medianMs;

/** Every side's cold-start median in a variant, as { side: ms }; `node -e 0` is no side. */
export function coldStartFigures(coldStart, variant) {
  const out = {};
  for (const [side, v] of Object.entries(coldStart?.[variant] ?? {})) if (side !== 'bareNode' && typeof v.medianMs === 'number') out[side] = v.medianMs;
  return out;
}

/** Every side's figure `pick(result)` from one heap of the stall result, as { side: value }. */
export function stallFigures(heap, pick) {
  const out = {};
  for (const [side, v] of Object.entries(heap?.perPeer ?? {})) {
    if (v.failed === undefined) out[side] = pick(v);
  }
  return out;
}
