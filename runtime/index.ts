/** process-sandbox: the runtime that generated clients run on. */
export { ProcessPool, type PoolEvents, type PoolStats, type WorkerStats, type RecycleReason, type HealthReport } from './pool.js';
export type { ResourceSample } from './platform/resources.js';
export type { LimitCrossed, WorkerLimits } from './recycle-policy.js';
export type { PoolConfig, ResolvedConfig, WarmUpConfig, InspectOptions } from './config.js';
export type { ConfineOptions, Confinement, Enforcement } from './confine/index.js';
export { resolveConfig } from './config.js';
export {
  SandboxError, isSandboxError, WorkerCrashedError, CallTimeoutError, RemoteError, PoolClosedError,
  ProtocolError, WorkerStartError, ConfigurationError, ValidationError, QueueFullError, CircuitOpenError, CallAbortedError, ConfinementUnsupportedError, LeaseLostError,
  type SandboxErrorCode, type ConfigurationIssue, type WorkerRef,
} from './errors.js';
export type { Logger } from './logger.js';
export type { CallOptions } from './call.js';
export type { LatencySummary, MethodTimings } from './call-timings.js';
export type { CallOrigin, CallOutcome, CallTraceContext } from './diagnostics.js';
export type { CircuitBreakerOptions } from './circuit-breaker.js';
export { defaultLogger, silentLogger } from './logger.js';
export { defineService, siblingModule, checkArguments, checkResult, checkItem, type MethodDescriptor, type ServiceDescriptor, type Remote, type RemoteResult, type Caller } from './service.js';
export { Lease, type LeaseOptions, type LeaseEndReason } from './lease.js';
export { at, closest, issue, isRecord, tagIssue, describeValue, formatPath, type Issue, type Check } from './validation.js';
export type { WorkerState, ExitReason } from './worker-process.js';
export type { WorkerHealthData, RemoteErrorData } from './protocol/messages.js';
export { PROTOCOL_VERSION } from './protocol/messages.js';
