// The templates live at the repository's top level (templates/), where a maintainer reads the
// generated files' shape; npm packs only what is inside this package's folder, so the build
// copies them into dist/templates, beside the compiled modules that read them.
import { cpSync, rmSync } from 'node:fs';

const from = new URL('../templates/', import.meta.url);
const to = new URL('./dist/templates/', import.meta.url);
rmSync(to, { recursive: true, force: true });
cpSync(from, to, { recursive: true });
