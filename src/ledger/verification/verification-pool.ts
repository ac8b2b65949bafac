import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { VerificationJob, VerificationResult } from './verification-job.ts';
import { runVerificationJob } from './verification-job.ts';

interface Pending {
  jobs: VerificationJob[];
  resolvers: Array<(r: VerificationResult) => void>;
}

interface InFlight extends Pending {
  worker: Worker;
}

/**
 * Signature verification and key decoding on worker threads, so the node's main thread
 * (HTTP, state, blocks) is not the only core doing crypto. Jobs submitted in the same tick
 * travel as one message per worker. Measured on 2 cores: see README (Benchmarks).
 */
export class VerificationPool {
  private readonly workers: Worker[] = [];
  private readonly inFlight = new Map<number, InFlight>();
  private queue: Pending = { jobs: [], resolvers: [] };
  private scheduled = false;
  private nextId = 1;
  private nextWorker = 0;

  private constructor() {}

  /** Starts `size` workers (default: one per core but the main thread's). Size 0 runs jobs inline. */
  static async start(size = Math.max(0, availableParallelism() - 1)): Promise<VerificationPool> {
    const pool = new VerificationPool();
    await Promise.all(
      Array.from({ length: size }, async () => {
        const worker = new Worker(new URL('./verification-worker.mjs', import.meta.url));
        await new Promise<void>((resolve, reject) => {
          worker.once('error', reject);
          worker.once('message', () => resolve());
        });
        worker.on('message', (msg: { id: number; results: VerificationResult[] }) =>
          pool.onResults(msg),
        );
        worker.on('error', () => pool.retire(worker));
        worker.on('exit', () => pool.retire(worker));
        worker.unref();
        pool.workers.push(worker);
      }),
    );
    return pool;
  }

  /** Runs one job, batched with the others of this tick. */
  run(job: VerificationJob): Promise<VerificationResult> {
    if (this.workers.length === 0) return Promise.resolve(runVerificationJob(job));
    return new Promise((resolve) => {
      this.queue.jobs.push(job);
      this.queue.resolvers.push(resolve);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const { jobs, resolvers } = this.queue;
    this.queue = { jobs: [], resolvers: [] };
    // Split the batch across workers.
    if (this.workers.length === 0) {
      jobs.forEach((job, i) => resolvers[i]!(runVerificationJob(job)));
      return;
    }
    const per = Math.ceil(jobs.length / this.workers.length);
    for (let i = 0; i < jobs.length; i += per) {
      const id = this.nextId++;
      const worker = this.workers[this.nextWorker++ % this.workers.length]!;
      const part = { jobs: jobs.slice(i, i + per), resolvers: resolvers.slice(i, i + per), worker };
      this.inFlight.set(id, part);
      worker.postMessage({ id, jobs: part.jobs });
    }
  }

  private onResults(msg: { id: number; results: VerificationResult[] }): void {
    const part = this.inFlight.get(msg.id);
    if (!part) return;
    this.inFlight.delete(msg.id);
    msg.results.forEach((r, i) => part.resolvers[i]!(r));
  }

  /** A worker died: its jobs run inline, and the pool goes on with the others (or inline). */
  private retire(worker: Worker): void {
    const index = this.workers.indexOf(worker);
    if (index < 0) return;
    this.workers.splice(index, 1);
    for (const [id, part] of this.inFlight) {
      if (part.worker !== worker) continue;
      this.inFlight.delete(id);
      part.jobs.forEach((job, i) => part.resolvers[i]!(runVerificationJob(job)));
    }
  }

  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
