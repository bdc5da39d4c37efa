/** process-sandbox-gen: sandbox-gen as a library. */
export { generate, type GenerateOptions, type GenerateResult, type GeneratedFile } from './generate.js';
export { writeGenerated, checkGenerated, type StaleFile } from './write.js';
export { DiagnosticId, formatDiagnostic, hasErrors, type Diagnostic } from './diagnostics.js';
export { CONFIG_FILE, ConfigError, findConfig, loadConfig, configTargets, type SandboxConfig, type ConfigInput, type ConfigDefaults } from './config.js';
export { watchTargets, type Watcher } from './watch.js';
export { TemplateError, type TemplateName, type TemplateViews } from './render.js';
export type {
  ClientLocals, ClientMethodView, ClientView, CodecMethodView, CodecView, MethodView, ParameterView, StampView, TagsView, WorkerView,
} from './view-model.js';
