/**
 * Renders the handlebars templates in templates/ with a view model. The templates only loop and
 * fill holes (no escaping: the view model's strings are already TypeScript source).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { templatesDir } from './package-root.js';
import type { ClientView, CodecView, WorkerView } from './view-model.js';

export interface TemplateViews {
  client: ClientView;
  worker: WorkerView;
  codec: CodecView;
}
export type TemplateName = keyof TemplateViews;

const handlebars = Handlebars.create();
const compiled = new Map<TemplateName, Promise<Handlebars.TemplateDelegate>>();

function template(name: TemplateName): Promise<Handlebars.TemplateDelegate> {
  let found = compiled.get(name);
  if (found === undefined) {
    found = readFile(join(templatesDir(), `${name}.hbs`), 'utf8')
      // strict: a hole the view model does not fill is a bug, not an empty string.
      .then((source) => handlebars.compile(source, { noEscape: true, strict: true }));
    compiled.set(name, found);
  }
  return found;
}

export async function render<N extends TemplateName>(name: N, view: TemplateViews[N]): Promise<string> {
  const text = (await template(name))(view);
  // One trailing newline and no trailing spaces, whatever the template's own whitespace.
  return `${text.replace(/[ \t]+$/gm, '').replace(/\n+$/, '')}\n`;
}
