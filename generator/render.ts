/**
 * Renders the handlebars templates with a view model: the built-in ones of templates/, or a
 * user's folder (`--templates`) whose client.hbs, worker.hbs and codec.hbs replace the built-in
 * ones they name and whose other `.hbs` files are partials. No escaping: the view model's strings
 * are TypeScript source already. Strict mode: a hole the view model does not fill throws, naming
 * the template and the field, rather than printing an empty string.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import Handlebars from 'handlebars';
import { templatesDir } from './package-root.js';
import type { ClientView, CodecView, WorkerView } from './view-model.js';

export interface TemplateViews {
  client: ClientView;
  worker: WorkerView;
  codec: CodecView;
}
export type TemplateName = keyof TemplateViews;

export const TEMPLATE_NAMES: readonly TemplateName[] = ['client', 'worker', 'codec'];

/** A folder given as `templates` that cannot be used; the CLI reports it as a usage error (exit 2). */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

/** The three templates, ready to render, and the files they were read from (for --watch). */
export interface Templates {
  render<N extends TemplateName>(name: N, view: TemplateViews[N]): string;
  readonly files: readonly string[];
}

type Render = (view: unknown) => string;

let builtIn: Templates | undefined;

/**
 * The built-in templates, with those of `dir` (when given) in their place. `shown` is how the
 * user wrote the folder, for messages.
 */
export function loadTemplates(dir?: string, shown: string = dir ?? ''): Templates {
  if (dir === undefined) {
    builtIn ??= templateSet(hbsFiles(templatesDir()));
    return builtIn;
  }
  let isFolder: boolean;
  try {
    isFolder = statSync(dir).isDirectory();
  } catch {
    throw new TemplateError(`templates folder ${shown} (${dir}) does not exist; give the folder that holds your client.hbs, worker.hbs or codec.hbs`);
  }
  if (!isFolder) throw new TemplateError(`templates folder ${shown} (${dir}) is not a folder; give the folder that holds your client.hbs, worker.hbs or codec.hbs, not a file`);
  const own = hbsFiles(dir);
  if (own.size === 0) {
    throw new TemplateError(`templates folder ${shown} (${dir}) holds no .hbs file; put client.hbs, worker.hbs or codec.hbs (or partials) there, or leave out the templates option for the built-in ones`);
  }
  return templateSet(new Map([...hbsFiles(templatesDir()), ...own]));
}

/** Template or partial name → its file, for every `.hbs` file directly in `dir`. */
function hbsFiles(dir: string): Map<string, string> {
  const files = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.hbs'))
    .map((e) => e.name)
    .sort();
  return new Map(files.map((name) => [basename(name, '.hbs'), join(dir, name)]));
}

function templateSet(files: ReadonlyMap<string, string>): Templates {
  const handlebars = Handlebars.create();
  registerHelpers(handlebars);
  const compile = (file: string): Render => {
    const delegate = handlebars.compile(readFileSync(file, 'utf8'), { noEscape: true, strict: true });
    return (view) => {
      try {
        return delegate(view);
      } catch (error) {
        throw located(error, file);
      }
    };
  };
  const templates = new Map<string, Render>();
  for (const [name, file] of files) {
    const render = compile(file);
    if ((TEMPLATE_NAMES as readonly string[]).includes(name)) templates.set(name, render);
    else handlebars.registerPartial(name, render as Handlebars.Template);
  }
  return {
    files: [...files.values()],
    render(name, view) {
      const text = templates.get(name)!(view);
      // One trailing newline and no trailing spaces, whatever the template's own whitespace.
      return `${text.replace(/[ \t]+$/gm, '').replace(/\n+$/, '')}\n`;
    },
  };
}

/** The few shapes templates repeat, and what plain handlebars cannot say. */
function registerHelpers(handlebars: typeof Handlebars): void {
  /** `{{#list params}}{{name}}{{/list}}`: each item rendered, separated by `, ` (`a, b`). */
  handlebars.registerHelper('list', function list(this: unknown, items: unknown, options: Handlebars.HelperOptions): string {
    if (!Array.isArray(items)) throw new Error('list expects an array');
    return items.map((item, index) => options.fn(item, { data: { ...options.data, index, first: index === 0, last: index === items.length - 1 } })).join(', ');
  });
  /** `{{#if (defined tags.priority)}}`: true for 0 too, which `#if` treats as false. */
  handlebars.registerHelper('defined', (value: unknown) => value !== undefined && value !== null);
}

/** A rendering error, with the template file in front; a missing field says which. */
function located(error: unknown, file: string): Error {
  if (error instanceof TemplateError) return error;
  const e = error as { message?: string; lineNumber?: number; column?: number };
  const message = String(e.message ?? error);
  const at = e.lineNumber === undefined ? '' : `:${e.lineNumber}:${(e.column ?? 0) + 1}`;
  const missing = /^"(.+)" not defined in/.exec(message);
  const what = missing === null
    ? message
    : `the view model has no field "${missing[1]}" here (strict mode); the fields each template receives are listed in docs/templates.md`;
  return new TemplateError(`template ${file}${at}: ${what}`, { cause: error });
}
