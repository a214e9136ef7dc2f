/** The fault-injection harness's server: the real `node --import tsx server/server.ts` as a child process, started, health-checked and SIGKILLed. */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { projectRoot } from '../../server/paths.js';
import { OpsError } from './sqlite-files.js';

/** The run could not go on (a server that will not start, a request refused for good, the time limit): exit 1. */
export class HarnessError extends OpsError {
  override name = 'HarnessError';
}

/** A free TCP port on 127.0.0.1, chosen by the operating system. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => {
        if (port > 0) resolve(port);
        else reject(new HarnessError('the operating system gave no free port'));
      });
    });
  });
}

/** The lines of one stream, as they complete. */
function onLines(stream: NodeJS.ReadableStream, handle: (line: string) => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') handle(line);
  });
}

const TAIL_LINES = 40;

export class ServerProcess {
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #exitInfo: string | undefined;
  /** The server's last output lines (JSON log lines at LOG_LEVEL=warn), for a failure report. */
  readonly tail: string[] = [];
  /** Log lines at level error or fatal, over every run of the server. */
  errorLines = 0;
  starts = 0;

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    readonly base: string,
  ) {}

  get running(): boolean {
    return this.#child !== undefined && this.#exitInfo === undefined;
  }

  /** How the current process ended ("signal SIGKILL", "exit code 1"), while it has not: undefined. */
  get exitInfo(): string | undefined {
    return this.#exitInfo;
  }

  #remember(line: string): void {
    this.tail.push(line);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
    if (/"level":(50|60)\b/.test(line)) this.errorLines += 1;
  }

  /** Starts the server and resolves once GET /healthz answers 200; returns the milliseconds that took. */
  async start(timeoutMs: number): Promise<number> {
    if (this.running) throw new HarnessError('the server is already running');
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/server.ts'], { cwd: projectRoot, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    this.#exitInfo = undefined;
    this.starts += 1;
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#exitInfo = signal !== null ? `signal ${signal}` : `exit code ${code ?? '?'}`;
        resolve();
      });
      child.once('error', (error) => {
        this.#exitInfo = `could not start: ${error.message}`;
        resolve();
      });
    });
    onLines(child.stdout, (line) => { this.#remember(line); });
    onLines(child.stderr, (line) => { this.#remember(line); });

    for (;;) {
      const exited = this.exitInfo;
      if (exited !== undefined) {
        throw new HarnessError(`the server stopped while starting (${exited}). Its last output:\n${this.tail.join('\n')}`);
      }
      if (performance.now() - started > timeoutMs) {
        this.killNow();
        throw new HarnessError(`the server did not answer GET /healthz within ${timeoutMs / 1000} s. Its last output:\n${this.tail.join('\n')}`);
      }
      try {
        const response = await fetch(`${this.base}/healthz`, { signal: AbortSignal.timeout(1000) });
        await response.text();
        if (response.ok) return Math.round(performance.now() - started);
      } catch {
        // Not listening yet.
      }
      await sleep(25);
    }
  }

  /** SIGKILL: no graceful shutdown, no checkpoint, requests cut wherever they are. Resolves once the process is gone. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.#child?.kill('SIGKILL');
    const gone = await Promise.race([this.#exited.then(() => true), sleep(10_000, false, { ref: false })]);
    if (!gone) throw new HarnessError('the server did not exit within 10 s of SIGKILL');
  }

  /** For exit handlers: sends SIGKILL and does not wait. */
  killNow(): void {
    if (this.running) this.#child?.kill('SIGKILL');
  }
}
