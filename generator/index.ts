/** process-sandbox/generator: sandbox-gen as a library. */
export { generate, type GenerateOptions, type GenerateResult, type GeneratedFile } from './generate.js';
export { writeGenerated, checkGenerated, type StaleFile } from './write.js';
export { DiagnosticId, formatDiagnostic, hasErrors, type Diagnostic } from './diagnostics.js';
