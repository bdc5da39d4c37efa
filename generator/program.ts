/**
 * The TypeScript program the reader asks about types. The interface's types may come from other
 * files and from packages, and utility types (Partial, Pick, …) only mean something to the
 * checker, so the input is read with the checker, under the user's own compiler options (the
 * nearest tsconfig.json above the input: its paths, module resolution and types).
 *
 * One Project per set of compiler options is kept for the life of the process: the lib and
 * package declarations it has parsed stay parsed, and each run re-reads only the user's files.
 * That makes a second run (watch mode, a test suite, a build that generates several files)
 * several times faster than the first.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Project, ts, type SourceFile } from 'ts-morph';

const projects = new Map<string, Project>();

const DEFAULT_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  // Not the DOM: it is what makes a program slow to start, and a Node service does not use it.
  lib: ['lib.es2023.d.ts', 'lib.esnext.disposable.d.ts'],
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  skipLibCheck: true,
};

export interface LoadedInput {
  readonly project: Project;
  readonly sourceFile: SourceFile;
  /** The tsconfig.json whose options were used, if one was found. */
  readonly tsconfig: string | undefined;
}

/** Loads `input` (an absolute path) and every file it imports, re-reading them from disk. */
export function loadInput(input: string, text: string, tsconfig = findTsconfig(dirname(input))): LoadedInput {
  const options = compilerOptions(tsconfig, dirname(input));
  const key = JSON.stringify(options);
  let project = projects.get(key);
  if (project === undefined) {
    project = new Project({ compilerOptions: options, skipAddingFilesFromTsConfig: true });
    projects.set(key, project);
  }
  // The user's files may have changed since the last run; declarations of packages are kept.
  for (const file of project.getSourceFiles()) {
    if (!file.isInNodeModules() && !file.isFromExternalLibrary()) project.removeSourceFile(file);
  }
  const sourceFile = project.createSourceFile(input, text, { overwrite: true });
  project.resolveSourceFileDependencies();
  return { project, sourceFile, tsconfig };
}

/** The user's files the last load read (not packages): what watch mode watches. */
export function userFiles(project: Project): string[] {
  return project.getSourceFiles().filter((f) => !f.isInNodeModules() && !f.isFromExternalLibrary()).map((f) => f.getFilePath());
}

function typeRootsAbove(dir: string): string[] {
  const roots: string[] = [];
  for (let current = resolve(dir); ; current = dirname(current)) {
    const candidate = join(current, 'node_modules', '@types');
    if (existsSync(candidate)) roots.push(candidate);
    if (dirname(current) === current) return roots;
  }
}

/** The nearest tsconfig.json in `dir` or above it. */
export function findTsconfig(dir: string): string | undefined {
  for (let current = resolve(dir); ; current = dirname(current)) {
    const candidate = join(current, 'tsconfig.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(current) === current) return undefined;
  }
}

function compilerOptions(tsconfig: string | undefined, inputDir: string): ts.CompilerOptions {
  let options: ts.CompilerOptions = DEFAULT_OPTIONS;
  if (tsconfig !== undefined) {
    const read = ts.readConfigFile(tsconfig, ts.sys.readFile);
    if (read.error === undefined) {
      options = ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(tsconfig), undefined, tsconfig).options;
    }
  }
  // Spelled out, because the in-process host does not find them on its own: every
  // node_modules/@types above the input (and above the working directory, for an input outside
  // any project), as tsc would use for a project there.
  if (options.typeRoots === undefined) {
    const roots = [...typeRootsAbove(tsconfig === undefined ? inputDir : dirname(tsconfig)), ...typeRootsAbove(process.cwd())];
    options = { ...options, typeRoots: [...new Set(roots)] };
  }
  if (options.types === undefined) {
    // What tsc includes when a tsconfig lists no types: every package in the type roots.
    const names = (options.typeRoots ?? []).flatMap((root) => {
      try {
        return readdirSync(root).filter((n) => !n.startsWith('.'));
      } catch {
        return [];
      }
    });
    options = { ...options, types: [...new Set(names)].sort() };
  }
  // The checker must keep null and undefined apart for the validators to be exact; optional
  // properties read as `T | undefined`, which is what msgpack carries for them.
  return {
    ...options,
    strict: true,
    strictNullChecks: true,
    exactOptionalPropertyTypes: false,
    noEmit: true,
    skipLibCheck: true,
    composite: false,
    declaration: false,
    incremental: false,
  };
}
