/**
 * The export condition workers resolve with. A generated codec imports `process-sandbox/codec`,
 * in the application and in its workers alike; in a worker that specifier would load the codec's
 * own four modules beside the worker bundle, which already holds a copy of them (about 5 ms of
 * every worker start on Node 20, and two copies of the validation errors in one process). Workers
 * start with `--conditions=process-sandbox-worker`, under which package.json's `./codec` export
 * is the worker bundle itself (worker-template/bundle.mjs gives it the codec's exports).
 */
export const WORKER_CONDITION = 'process-sandbox-worker';

/** The Node option that puts a worker's imports under WORKER_CONDITION. */
export const WORKER_CONDITION_ARGS: readonly string[] = [`--conditions=${WORKER_CONDITION}`];
