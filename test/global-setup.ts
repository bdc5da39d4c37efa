import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Makes sure the generated test clients exist (npm test makes them before type-checking). */
export default async function setup(): Promise<void> {
  const marker = fileURLToPath(new URL('./.generated/js/workers/test-service.js', import.meta.url));
  if (!existsSync(marker)) {
    // @ts-expect-error: a plain .mjs script without types
    const { prepare } = (await import('./prepare.mjs')) as { prepare: () => void };
    prepare();
  }
}
