/** process-sandbox/worker: what a generated worker entry runs on. */
export { serveWorker, type Handler } from './host.js';
