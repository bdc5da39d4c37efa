/**
 * process-sandbox/codec: what generated codecs import. It is deliberately small: a worker loads
 * the codec, and must not pay at start-up for the pool, the platform layer and the rest of the
 * parent's runtime (about 15 ms of module loading, measured), which it never uses.
 */
export { defineService, type MethodDescriptor, type ServiceDescriptor } from './service.js';
export { at, closest, issue, isRecord, tagIssue, describeValue, formatPath, type Issue, type Check } from './validation.js';
