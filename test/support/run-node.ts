/**
 * The one way tests start a Node process: a script (TypeScript through tsx, or compiled JavaScript) in
 * the repository root, with the test's environment plus `env`, its output collected, and killed if it
 * outlives `timeoutMs`, so a stuck child fails its test with what it printed instead of hanging the run.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

export interface NodeOptions {
  /** Added to (and overriding) the test process's environment; NODE_OPTIONS is cleared unless given. */
  env?: NodeJS.ProcessEnv;
  /** Killed with SIGKILL after this long; the run then reports `timedOut`. Default 120 s. */
  timeoutMs?: number;
}

export interface NodeRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the timeout killed it. */
  timedOut: boolean;
}

export interface NodeProcess {
  /** Settles when the process has exited and its output is read to the end. */
  done: Promise<NodeRun>;
  /** stdout and stderr so far, interleaved as they arrived. */
  output: () => string;
  kill: (signal?: NodeJS.Signals) => void;
}

/** Starts `node script ...args` (with `--import tsx` for a .ts script) and returns at once. */
export function startNode(script: string, args: readonly string[] = [], options: NodeOptions = {}): NodeProcess {
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...loader, script, ...args], {
    cwd: repoRoot,
    env: { ...process.env, NODE_OPTIONS: '', ...options.env },
  });
  let stdout = '';
  let stderr = '';
  let output = '';
  let timedOut = false;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    output += chunk.toString();
  });
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs ?? 120_000);
  const done = new Promise<NodeRun>((resolve, reject) => {
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
  return { done, output: () => output, kill: (signal = 'SIGTERM') => child.kill(signal) };
}

/** Runs `node script ...args` to the end and returns its exit code and output. */
export function runNode(script: string, args: readonly string[] = [], options: NodeOptions = {}): Promise<NodeRun> {
  return startNode(script, args, options).done;
}
