import { spawn, type ChildProcess } from 'node:child_process';

export interface ProcessGroup {
  child: ChildProcess;
  /** Everything the process printed so far. */
  output(): string;
  /** Whether any process of the group is alive: the one started, or a child that outlived it. */
  groupAlive(): boolean;
  /**
   * SIGTERM to the whole group, SIGKILL after the grace period; resolves with the exit code once it exited. If it
   * had already exited, whatever it left running in its group is killed.
   */
  stop(): Promise<number | null>;
}

export interface StartProcessGroupOptions {
  name: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Called with the output so far; returns a value once the process is ready. */
  readyWhen?: (output: string) => string | undefined;
  /** Or polled every 200 ms (for a process that prints nothing when it is ready, e.g. an HTTP health check). */
  readyProbe?: () => Promise<boolean>;
  timeoutMs: number;
  /** How long stop() waits after SIGTERM before SIGKILL (default 5 s). */
  killAfterMs?: number;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-child.pid!, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts `node <args>` in a process group of its own (so stop() also ends its children) and resolves with what
 * `readyWhen` found in its output. A process that exits or never becomes ready is killed and reported with its
 * output: it must not outlive the test, or its pipes keep the runner waiting.
 */
export async function startProcessGroup(options: StartProcessGroupOptions): Promise<ProcessGroup & { ready: string }> {
  const child = spawn(process.execPath, options.args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const ready = await new Promise<string>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      killGroup(child, 'SIGKILL');
      reject(new Error(`${options.name} did not start in ${options.timeoutMs} ms:\n${output}`));
    }, options.timeoutMs);
    const settle = (found: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(found);
    };
    child.stdout!.on('data', () => {
      const found = options.readyWhen?.(output);
      if (found !== undefined) settle(found);
    });
    const probe = options.readyProbe;
    if (probe) {
      const poll = async () => {
        while (!settled && child.exitCode === null && child.signalCode === null) {
          if (await probe().catch(() => false)) return settle('ready');
          await new Promise((resume) => setTimeout(resume, 200));
        }
      };
      void poll();
    }
    child.once('exit', (code) => {
      settled = true;
      clearTimeout(timer);
      reject(new Error(`${options.name} exited with ${code}:\n${output}`));
    });
  });
  child.removeAllListeners('exit');
  return {
    child,
    ready,
    output: () => output,
    groupAlive: () => killGroup(child, 0),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) {
        killGroup(child, 'SIGKILL');
        return child.exitCode;
      }
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      if (!killGroup(child, 'SIGTERM')) return child.exitCode;
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), options.killAfterMs ?? 5000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
