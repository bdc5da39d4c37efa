/** The implementation of IElastic. */
import { existsSync, writeFileSync } from 'node:fs';
import type { IElastic, Probe } from '../services/IElastic.js';

const warmUps: number[] = [];

export default class Elastic implements IElastic {
  async work(tag: string, ms: number): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return tag;
  }

  urgent(tag: string): string {
    return tag;
  }

  crashOnce(file: string, tag: string): string {
    if (existsSync(file)) return tag;
    writeFileSync(file, '');
    process.kill(process.pid, 'SIGKILL');
    return tag;
  }

  probe(): Probe {
    return { pid: process.pid, warmUps: [...warmUps] };
  }

  async warm(level: number, ms = 0): Promise<number> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    warmUps.push(level);
    return level;
  }

  warmFails(message: string, flagFile?: string): void {
    if (flagFile === undefined || existsSync(flagFile)) throw new Error(message);
  }

  warmExits(): void {
    process.exit(3);
  }

  warmHangs(): Promise<void> {
    return new Promise(() => {});
  }

  crash(): number {
    process.kill(process.pid, 'SIGKILL');
    return 0;
  }
}
