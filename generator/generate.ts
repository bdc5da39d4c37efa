/**
 * Input file → generated files, in memory. Reads the interface, refuses what cannot cross a
 * process boundary, and renders three files per service interface. Writes nothing.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { hasErrors, type Diagnostic } from './diagnostics.js';
import { interfaceHash, sha256Hex16 } from './hash.js';
import { generatedNames } from './names.js';
import { generatorVersion } from './package-root.js';
import { loadInput, userFiles } from './program.js';
import { readServices } from './read-interface.js';
import { loadTemplates } from './render.js';
import { buildViews } from './view-model.js';

export interface GenerateOptions {
  /** The TypeScript file that declares the interface. */
  input: string;
  /** Where the files go. @default the input file's folder */
  outDir?: string | undefined;
  /** Generate for this interface only. @default every exported interface that declares methods */
  interfaceName?: string | undefined;
  /** Extension of relative imports in generated code. @default ".js" */
  importExtension?: string | undefined;
  /** The tsconfig.json whose compiler options resolve the input's imports. @default the nearest one above the input */
  tsconfig?: string | undefined;
  /**
   * A folder of handlebars templates: its client.hbs, worker.hbs and codec.hbs replace the
   * built-in ones they name, and its other `.hbs` files are registered as partials (a
   * `stamp.hbs` replaces the stamp). See docs/templates.md. @default the built-in templates
   */
  templates?: string | undefined;
}

export interface GeneratedFile {
  /** Absolute path. */
  readonly path: string;
  readonly content: string;
}

export interface GenerateResult {
  /** Empty when any diagnostic is an error. */
  readonly files: readonly GeneratedFile[];
  readonly diagnostics: readonly Diagnostic[];
  /** Every file of the project the interface was read from (the input and what it imports, packages aside): what --watch watches. */
  readonly sources: readonly string[];
}

/**
 * Throws only when the input cannot be read or the templates cannot be used (a TemplateError);
 * everything wrong with the input's contents is a diagnostic.
 */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const input = resolve(options.input);
  const templates = loadTemplates(options.templates === undefined ? undefined : resolve(options.templates), options.templates);
  let bytes: Buffer;
  try {
    bytes = await readFile(input);
  } catch (error) {
    throw new Error(`cannot read ${options.input}: ${(error as Error).message}`, { cause: error });
  }
  // Reading is synchronous from here to the models: the shared program is not touched by two runs at once.
  const loaded = loadInput(input, bytes.toString('utf8'), options.tsconfig === undefined ? undefined : resolve(options.tsconfig));
  const { services, diagnostics } = readServices(loaded.sourceFile, options.interfaceName);
  // A user's templates are watched with the sources: editing one regenerates.
  const sources = [...userFiles(loaded.project), ...(options.templates === undefined ? [] : templates.files)];
  if (hasErrors(diagnostics)) return { files: [], diagnostics, sources };

  const outDir = resolve(options.outDir ?? dirname(input));
  const files: GeneratedFile[] = [];
  for (const service of services) {
    const views = buildViews(service, {
      input,
      outDir,
      importExtension: options.importExtension ?? '.js',
      version: generatorVersion(),
      fileHash: sha256Hex16(bytes),
      interfaceHash: interfaceHash(service),
    });
    const names = generatedNames(service.name);
    files.push(
      { path: join(outDir, `${names.clientFile}.ts`), content: templates.render('client', views.client) },
      { path: join(outDir, `${names.workerFile}.ts`), content: templates.render('worker', views.worker) },
      { path: join(outDir, `${names.codecFile}.ts`), content: templates.render('codec', views.codec) },
    );
  }
  return { files, diagnostics, sources };
}
